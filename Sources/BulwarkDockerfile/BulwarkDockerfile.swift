/// Dockerfile parsing, rules and hardening (see issue 3).
public enum BulwarkDockerfile {}
