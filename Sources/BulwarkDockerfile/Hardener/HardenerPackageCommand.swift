/// Reads the package-manager commands of RUN scripts: `apt-get install`, `apk add`, `pip install`.
enum HardenerPackageCommand {
    /// apt-get options that take the next word as their value.
    static let aptOptionsWithValue: Set<String> = ["-o", "-t", "-c", "--option", "--target-release", "--default-release", "--config-file"]

    /// `update`, `install`, `upgrade`, `clean` … of `apt-get`/`apt`; nil for other programs.
    static func aptSubcommand(_ command: SimpleCommand) -> String? {
        guard let program = command.program, program == "apt-get" || program == "apt" else { return nil }
        return operandIndices(command, optionsWithValue: aptOptionsWithValue).first.map { command.words[$0].value }
    }

    /// `add`, `update`, `del` … of `apk`.
    static func apkSubcommand(_ command: SimpleCommand) -> String? {
        guard command.program == "apk" else { return nil }
        return operandIndices(command, optionsWithValue: ["-X", "--repository", "-p", "--root", "-t", "--virtual"]).first.map {
            command.words[$0].value
        }
    }

    /// Indices in `command.words` of the package words of `apt-get install` / `apk add`.
    static func packageIndices(_ command: SimpleCommand) -> [Int] {
        let options = command.program == "apk" ? ["-X", "--repository", "-p", "--root", "-t", "--virtual"] : aptOptionsWithValue
        return Array(operandIndices(command, optionsWithValue: Set(options)).dropFirst())
    }

    /// Index in `command.words` of the subcommand word (`install`, `add`).
    static func subcommandIndex(_ command: SimpleCommand) -> Int? {
        let options = command.program == "apk" ? ["-X", "--repository", "-p", "--root", "-t", "--virtual"] : aptOptionsWithValue
        return operandIndices(command, optionsWithValue: Set(options)).first
    }

    /// Word indices of the operands after the program, skipping options and their values.
    private static func operandIndices(_ command: SimpleCommand, optionsWithValue: Set<String>) -> [Int] {
        var result: [Int] = []
        var index = command.commandIndex + 1
        var afterDashDash = false
        while index < command.words.count {
            let value = command.words[index].value
            if afterDashDash {
                result.append(index)
            } else if value == "--" {
                afterDashDash = true
            } else if value.hasPrefix("-") && value.count > 1 {
                if optionsWithValue.contains(value) { index += 1 }
            } else {
                result.append(index)
            }
            index += 1
        }
        return result
    }

    /// For `pip install`, `pip3 install`, `python -m pip install`, `python3.12 -m pip install`: the
    /// index of the `install` word; nil for anything else.
    static func pipInstallIndex(_ command: SimpleCommand) -> Int? {
        guard let program = command.program else { return nil }
        var index = command.commandIndex + 1
        if isPython(program) {
            guard index + 1 < command.words.count, command.words[index].value == "-m",
                command.words[index + 1].value == "pip" || command.words[index + 1].value == "pip3"
            else { return nil }
            index += 2
        } else if !(program == "pip" || program.hasPrefix("pip3")) {
            return nil
        }
        while index < command.words.count {
            let value = command.words[index].value
            if value == "install" { return index }
            if !value.hasPrefix("-") { return nil }
            index += 1
        }
        return nil
    }

    /// `python`, `python3`, `python3.12`.
    static func isPython(_ program: String) -> Bool {
        program == "python" || program.hasPrefix("python3") || program == "python2"
    }

    /// Programs that only set up files and accounts: a RUN made of them can run in the final stage.
    static let setupPrograms: Set<String> = [
        "mkdir", "chown", "chmod", "chgrp", "ln", "touch", "useradd", "adduser", "groupadd", "addgroup", "usermod", "echo",
        "true", "rm", "printf", "install", "cp", "mv",
    ]
}
