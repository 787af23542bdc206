/// Sealed Secrets sealing and secret handling (see issue 4).
public enum BulwarkSecrets {}
