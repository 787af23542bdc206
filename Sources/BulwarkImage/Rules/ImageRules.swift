/// Every image rule, one list per topic file (`ImageRules+<Topic>.swift`).
///
/// SEAM (lead): each helper adds its topic's list here with a one-line change.
public enum ImageRules {
    public static var all: [ImageRule] {
        vulnerabilities
    }
}
