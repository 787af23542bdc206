import BulwarkCore
import Foundation

/// Jupyter's arguments: the command line plus `NOTEBOOK_ARGS`, which the Jupyter Docker Stacks'
/// start script appends to the server command.
enum JupyterFlags {
    static func all(_ server: ModelServer, _ container: ContainerView) -> ServerFlags {
        guard let env = ServingEnv.find("NOTEBOOK_ARGS", in: container), let value = env.value else { return server.flags }
        return server.flags + ServerFlags(ShellWords.split(value), node: env.node)
    }
}
