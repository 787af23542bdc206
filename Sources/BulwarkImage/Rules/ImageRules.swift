/// Every image rule, one list per topic file (`ImageRules+<Topic>.swift`).
public enum ImageRules {
    public static var all: [ImageRule] {
        config + layers + secrets + vulnerabilities
    }
}
