/// CVSS v4.0 scores, ported to Swift from FIRST's reference calculator
/// (https://github.com/RedHatProductSecurity/cvss-v4-calculator, `cvss40.js` at d1eafe0, the code
/// behind https://www.first.org/cvss/calculator/4.0; BSD-2-Clause, © FIRST, Red Hat and
/// contributors): the vector's MacroVector (EQ1–EQ6) is looked up in the specification's table of
/// MacroVector scores, then the score is interpolated down by the vector's severity distance from
/// the highest-severity vectors of its MacroVector (`max_composed`, `max_severity`), rounded to
/// one decimal. The arithmetic follows the calculator step by step, in the same order, so that the
/// floating-point results (and therefore the roundings) are the same.
enum CVSS4 {
    /// Every metric in the specification's order (base, threat, environmental, supplemental).
    static let metrics: [CVSS.Metric] = [
        .init("AV", ["N", "A", "L", "P"], base: true),
        .init("AC", ["L", "H"], base: true),
        .init("AT", ["N", "P"], base: true),
        .init("PR", ["N", "L", "H"], base: true),
        .init("UI", ["N", "P", "A"], base: true),
        .init("VC", ["N", "L", "H"], base: true),
        .init("VI", ["N", "L", "H"], base: true),
        .init("VA", ["N", "L", "H"], base: true),
        .init("SC", ["N", "L", "H"], base: true),
        .init("SI", ["N", "L", "H"], base: true),
        .init("SA", ["N", "L", "H"], base: true),
        .init("E", ["X", "A", "P", "U"]),
        .init("CR", ["X", "H", "M", "L"]),
        .init("IR", ["X", "H", "M", "L"]),
        .init("AR", ["X", "H", "M", "L"]),
        .init("MAV", ["X", "N", "A", "L", "P"]),
        .init("MAC", ["X", "L", "H"]),
        .init("MAT", ["X", "N", "P"]),
        .init("MPR", ["X", "N", "L", "H"]),
        .init("MUI", ["X", "N", "P", "A"]),
        .init("MVC", ["X", "H", "L", "N"]),
        .init("MVI", ["X", "H", "L", "N"]),
        .init("MVA", ["X", "H", "L", "N"]),
        .init("MSC", ["X", "H", "L", "N"]),
        .init("MSI", ["X", "S", "H", "L", "N"]),
        .init("MSA", ["X", "S", "H", "L", "N"]),
        .init("S", ["X", "N", "P"]),
        .init("AU", ["X", "N", "Y"]),
        .init("R", ["X", "A", "U", "I"]),
        .init("V", ["X", "D", "C"]),
        .init("RE", ["X", "L", "M", "H"]),
        .init("U", ["X", "Clear", "Green", "Amber", "Red"]),
    ]

    static let positions = CVSS.Metric.positions(metrics)

    /// The value a metric takes in scoring (`getEffectiveMetricValue`): an unset threat metric is the
    /// worst case (E:A), unset security requirements are High, and a modified metric (`MAV`)
    /// replaces its base metric. For CVSS-B every non-base metric is taken as unset.
    static func effective(_ metric: String, _ metrics: [String: String], baseOnly: Bool) -> String {
        let given: (String) -> String = { name in
            guard !baseOnly || baseNames.contains(name), let value = metrics[name] else { return "X" }
            return value
        }
        if given(metric) == "X", let value = worstCase[metric] { return value }
        if let modified = modifiedName[metric] {
            let value = given(modified)
            if value != "X" { return value }
        }
        return given(metric)
    }

    static let baseNames = Set(metrics.filter(\.isBase).map(\.name))
    static let worstCase = ["E": "A", "CR": "H", "IR": "H", "AR": "H"]
    /// `AV` → `MAV` for every metric that has a modified form.
    static let modifiedName: [String: String] = Dictionary(uniqueKeysWithValues: metrics.compactMap { metric in
        metrics.contains { $0.name == "M" + metric.name } ? (metric.name, "M" + metric.name) : nil
    })

    /// The MacroVector: EQ1…EQ6 as digits.
    static func macroVector(_ value: (String) -> String) -> [Int] {
        let av = value("AV"), pr = value("PR"), ui = value("UI")
        let eq1 = if av == "N" && pr == "N" && ui == "N" { 0 }
            else if (av == "N" || pr == "N" || ui == "N") && av != "P" { 1 }
            else { 2 }
        let eq2 = value("AC") == "L" && value("AT") == "N" ? 0 : 1
        let vc = value("VC"), vi = value("VI"), va = value("VA")
        let eq3 = if vc == "H" && vi == "H" { 0 } else if vc == "H" || vi == "H" || va == "H" { 1 } else { 2 }
        let eq4 = if value("MSI") == "S" || value("MSA") == "S" { 0 }
            else if value("SC") == "H" || value("SI") == "H" || value("SA") == "H" { 1 }
            else { 2 }
        let eq5 = switch value("E") {
        case "P": 1
        case "U": 2
        default: 0
        }
        let eq6 = (value("CR") == "H" && vc == "H") || (value("IR") == "H" && vi == "H") || (value("AR") == "H" && va == "H") ? 0 : 1
        return [eq1, eq2, eq3, eq4, eq5, eq6]
    }

    static func key(_ eqs: [Int]) -> String { eqs.map(String.init).joined() }

    /// `calculateScore`.
    static func score(_ metrics: [String: String], baseOnly: Bool) -> Double {
        let names = ["AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA", "MSI", "MSA", "E", "CR", "IR", "AR"]
        let effectiveValues = Dictionary(uniqueKeysWithValues: names.map { ($0, effective($0, metrics, baseOnly: baseOnly)) })
        let value: (String) -> String = { effectiveValues[$0] ?? "X" }
        if ["VC", "VI", "VA", "SC", "SI", "SA"].allSatisfy({ value($0) == "N" }) { return 0.0 }
        let eqs = macroVector(value)
        let (eq1, eq2, eq3, eq4, eq5, eq6) = (eqs[0], eqs[1], eqs[2], eqs[3], eqs[4], eqs[5])
        guard let macroScore = lookup[key(eqs)] else { return 0.0 }

        // 1a. The next lower MacroVector of each EQ (which may not exist).
        let lowerEQ1 = lookup[key([eq1 + 1, eq2, eq3, eq4, eq5, eq6])]
        let lowerEQ2 = lookup[key([eq1, eq2 + 1, eq3, eq4, eq5, eq6])]
        let lowerEQ3EQ6: Double?
        switch (eq3, eq6) {
        case (1, 1), (0, 1): lowerEQ3EQ6 = lookup[key([eq1, eq2, eq3 + 1, eq4, eq5, eq6])]
        case (1, 0): lowerEQ3EQ6 = lookup[key([eq1, eq2, eq3, eq4, eq5, eq6 + 1])]
        case (0, 0):
            // Two paths down: the higher of the two (JavaScript's Math.max gives NaN when one is missing).
            let left = lookup[key([eq1, eq2, eq3, eq4, eq5, eq6 + 1])], right = lookup[key([eq1, eq2, eq3 + 1, eq4, eq5, eq6])]
            if let left, let right { lowerEQ3EQ6 = max(left, right) } else { lowerEQ3EQ6 = nil }
        default: lowerEQ3EQ6 = lookup[key([eq1, eq2, eq3 + 1, eq4, eq5, eq6 + 1])]
        }
        let lowerEQ4 = lookup[key([eq1, eq2, eq3, eq4 + 1, eq5, eq6])]
        let lowerEQ5 = lookup[key([eq1, eq2, eq3, eq4, eq5 + 1, eq6])]

        // 1b. The first highest-severity vector of the MacroVector that is at least as severe as
        // this one in every metric, and this vector's distance from it (per metric of `metricLevels`).
        let current = metricLevels.map { $0.1[value($0.0)] ?? .nan }
        var distances = [Double](repeating: .nan, count: metricLevels.count)
        search: for a in parsedEQ1[eq1] {
            for b in parsedEQ2[eq2] {
                for c in parsedEQ3EQ6[eq3][eq6] {
                    for d in parsedEQ4[eq4] {
                        for e in parsedEQ5[eq5] {
                            for part in [a, b, c, d, e] {
                                for (index, level) in part { distances[index] = current[index] - level }
                            }
                            if distances.allSatisfy({ $0 >= 0 }) { break search }
                        }
                    }
                }
            }
        }
        func distance(_ metric: String) -> Double { levelIndex[metric].map { distances[$0] } ?? .nan }
        let currentEQ1 = distance("AV") + distance("PR") + distance("UI")
        let currentEQ2 = distance("AC") + distance("AT")
        let currentEQ3EQ6 = distance("VC") + distance("VI") + distance("VA") + distance("CR") + distance("IR") + distance("AR")
        let currentEQ4 = distance("SC") + distance("SI") + distance("SA")

        // 1c, 1d. Proportion of each EQ's depth, times the score drop to the next lower MacroVector.
        let step = 0.1
        var existing = 0.0
        var normalized = [0.0, 0.0, 0.0, 0.0, 0.0]
        if let lower = lowerEQ1 {
            existing += 1
            normalized[0] = (macroScore - lower) * (currentEQ1 / (Double(maxSeverityEQ1[eq1]) * step))
        }
        if let lower = lowerEQ2 {
            existing += 1
            normalized[1] = (macroScore - lower) * (currentEQ2 / (Double(maxSeverityEQ2[eq2]) * step))
        }
        if let lower = lowerEQ3EQ6, let depth = maxSeverityEQ3EQ6[eq3][eq6] {
            existing += 1
            normalized[2] = (macroScore - lower) * (currentEQ3EQ6 / (Double(depth) * step))
        }
        if let lower = lowerEQ4 {
            existing += 1
            normalized[3] = (macroScore - lower) * (currentEQ4 / (Double(maxSeverityEQ4[eq4]) * step))
        }
        if let lower = lowerEQ5 {
            // EQ5 has a depth of one: its proportion is always 0.
            existing += 1
            normalized[4] = (macroScore - lower) * 0
        }
        // 2. The mean proportional distance; 3. the MacroVector's score minus it, rounded.
        let mean = existing == 0 ? 0 : (normalized[0] + normalized[1] + normalized[2] + normalized[3] + normalized[4]) / existing
        return roundToOneDecimal(max(0, min(10, macroScore - mean)))
    }

    /// The calculator's `roundToDecimalPlaces`: round half up after adding 1e-6, so that
    /// 1.4499999999999993 (8.6 − 7.15 in binary) rounds to 1.5 as the decimal arithmetic would.
    static func roundToOneDecimal(_ value: Double) -> Double {
        ((value + 1e-6) * 10).rounded(.toNearestOrAwayFromZero) / 10
    }

    /// `AV:N/PR:N/UI:N/` → (index in `metricLevels`, level of the value) for each metric.
    static func parse(_ partial: String) -> [(Int, Double)] {
        partial.split(separator: "/").compactMap { part in
            let pair = part.split(separator: ":").map(String.init)
            guard pair.count == 2, let index = levelIndex[pair[0]], let level = metricLevels[index].1[pair[1]] else { return nil }
            return (index, level)
        }
    }

    static let levelIndex = Dictionary(uniqueKeysWithValues: metricLevels.enumerated().map { ($1.0, $0) })

    /// `METRIC_LEVELS`: each metric value's severity level within the metric (0 most severe).
    static let metricLevels: [(String, [String: Double])] = [
        ("AV", ["N": 0.0, "A": 0.1, "L": 0.2, "P": 0.3]),
        ("PR", ["N": 0.0, "L": 0.1, "H": 0.2]),
        ("UI", ["N": 0.0, "P": 0.1, "A": 0.2]),
        ("AC", ["L": 0.0, "H": 0.1]),
        ("AT", ["N": 0.0, "P": 0.1]),
        ("VC", ["H": 0.0, "L": 0.1, "N": 0.2]),
        ("VI", ["H": 0.0, "L": 0.1, "N": 0.2]),
        ("VA", ["H": 0.0, "L": 0.1, "N": 0.2]),
        ("SC", ["H": 0.1, "L": 0.2, "N": 0.3]),
        ("SI", ["S": 0.0, "H": 0.1, "L": 0.2, "N": 0.3]),
        ("SA", ["S": 0.0, "H": 0.1, "L": 0.2, "N": 0.3]),
        ("CR", ["H": 0.0, "M": 0.1, "L": 0.2]),
        ("IR", ["H": 0.0, "M": 0.1, "L": 0.2]),
        ("AR", ["H": 0.0, "M": 0.1, "L": 0.2]),
        ("E", ["U": 0.2, "P": 0.1, "A": 0]),
    ]

    /// `MAX_COMPOSED`: the highest-severity vectors of each EQ level (EQ3 and EQ6 together).
    static let maxComposedEQ1: [[String]] = [
        ["AV:N/PR:N/UI:N/"],
        ["AV:A/PR:N/UI:N/", "AV:N/PR:L/UI:N/", "AV:N/PR:N/UI:P/"],
        ["AV:P/PR:N/UI:N/", "AV:A/PR:L/UI:P/"],
    ]
    static let maxComposedEQ2: [[String]] = [
        ["AC:L/AT:N/"],
        ["AC:H/AT:N/", "AC:L/AT:P/"],
    ]
    static let maxComposedEQ3EQ6: [[[String]]] = [
        [["VC:H/VI:H/VA:H/CR:H/IR:H/AR:H/"], ["VC:H/VI:H/VA:L/CR:M/IR:M/AR:H/", "VC:H/VI:H/VA:H/CR:M/IR:M/AR:M/"]],
        [["VC:L/VI:H/VA:H/CR:H/IR:H/AR:H/", "VC:H/VI:L/VA:H/CR:H/IR:H/AR:H/"],
         ["VC:L/VI:H/VA:L/CR:H/IR:M/AR:H/", "VC:L/VI:H/VA:H/CR:H/IR:M/AR:M/", "VC:H/VI:L/VA:H/CR:M/IR:H/AR:M/",
          "VC:H/VI:L/VA:L/CR:M/IR:H/AR:H/", "VC:L/VI:L/VA:H/CR:H/IR:H/AR:M/"]],
        [[], ["VC:L/VI:L/VA:L/CR:H/IR:H/AR:H/"]],
    ]
    static let maxComposedEQ4: [[String]] = [["SC:H/SI:S/SA:S/"], ["SC:H/SI:H/SA:H/"], ["SC:L/SI:L/SA:L/"]]
    static let maxComposedEQ5: [[String]] = [["E:A/"], ["E:P/"], ["E:U/"]]

    static let parsedEQ1 = maxComposedEQ1.map { $0.map(parse) }
    static let parsedEQ2 = maxComposedEQ2.map { $0.map(parse) }
    static let parsedEQ3EQ6 = maxComposedEQ3EQ6.map { $0.map { $0.map(parse) } }
    static let parsedEQ4 = maxComposedEQ4.map { $0.map(parse) }
    static let parsedEQ5 = maxComposedEQ5.map { $0.map(parse) }

    /// `MAX_SEVERITY`: the depth of each EQ level, in steps of 0.1.
    static let maxSeverityEQ1 = [1, 4, 5]
    static let maxSeverityEQ2 = [1, 2]
    static let maxSeverityEQ3EQ6: [[Int?]] = [[7, 6], [8, 8], [nil, 10]]
    static let maxSeverityEQ4 = [6, 5, 4]

    /// The specification's MacroVector scores (`cvss_lookup.js`), keyed by EQ1…EQ6.
    static let lookup: [String: Double] = [
        "000000": 10.0, "000001": 9.9, "000010": 9.8, "000011": 9.5, "000020": 9.5, "000021": 9.2,
        "000100": 10.0, "000101": 9.6, "000110": 9.3, "000111": 8.7, "000120": 9.1, "000121": 8.1,
        "000200": 9.3, "000201": 9.0, "000210": 8.9, "000211": 8.0, "000220": 8.1, "000221": 6.8,
        "001000": 9.8, "001001": 9.5, "001010": 9.5, "001011": 9.2, "001020": 9.0, "001021": 8.4,
        "001100": 9.3, "001101": 9.2, "001110": 8.9, "001111": 8.1, "001120": 8.1, "001121": 6.5,
        "001200": 8.8, "001201": 8.0, "001210": 7.8, "001211": 7.0, "001220": 6.9, "001221": 4.8,
        "002001": 9.2, "002011": 8.2, "002021": 7.2, "002101": 7.9, "002111": 6.9, "002121": 5.0,
        "002201": 6.9, "002211": 5.5, "002221": 2.7, "010000": 9.9, "010001": 9.7, "010010": 9.5,
        "010011": 9.2, "010020": 9.2, "010021": 8.5, "010100": 9.5, "010101": 9.1, "010110": 9.0,
        "010111": 8.3, "010120": 8.4, "010121": 7.1, "010200": 9.2, "010201": 8.1, "010210": 8.2,
        "010211": 7.1, "010220": 7.2, "010221": 5.3, "011000": 9.5, "011001": 9.3, "011010": 9.2,
        "011011": 8.5, "011020": 8.5, "011021": 7.3, "011100": 9.2, "011101": 8.2, "011110": 8.0,
        "011111": 7.2, "011120": 7.0, "011121": 5.9, "011200": 8.4, "011201": 7.0, "011210": 7.1,
        "011211": 5.2, "011220": 5.0, "011221": 3.0, "012001": 8.6, "012011": 7.5, "012021": 5.2,
        "012101": 7.1, "012111": 5.2, "012121": 2.9, "012201": 6.3, "012211": 2.9, "012221": 1.7,
        "100000": 9.8, "100001": 9.5, "100010": 9.4, "100011": 8.7, "100020": 9.1, "100021": 8.1,
        "100100": 9.4, "100101": 8.9, "100110": 8.6, "100111": 7.4, "100120": 7.7, "100121": 6.4,
        "100200": 8.7, "100201": 7.5, "100210": 7.4, "100211": 6.3, "100220": 6.3, "100221": 4.9,
        "101000": 9.4, "101001": 8.9, "101010": 8.8, "101011": 7.7, "101020": 7.6, "101021": 6.7,
        "101100": 8.6, "101101": 7.6, "101110": 7.4, "101111": 5.8, "101120": 5.9, "101121": 5.0,
        "101200": 7.2, "101201": 5.7, "101210": 5.7, "101211": 5.2, "101220": 5.2, "101221": 2.5,
        "102001": 8.3, "102011": 7.0, "102021": 5.4, "102101": 6.5, "102111": 5.8, "102121": 2.6,
        "102201": 5.3, "102211": 2.1, "102221": 1.3, "110000": 9.5, "110001": 9.0, "110010": 8.8,
        "110011": 7.6, "110020": 7.6, "110021": 7.0, "110100": 9.0, "110101": 7.7, "110110": 7.5,
        "110111": 6.2, "110120": 6.1, "110121": 5.3, "110200": 7.7, "110201": 6.6, "110210": 6.8,
        "110211": 5.9, "110220": 5.2, "110221": 3.0, "111000": 8.9, "111001": 7.8, "111010": 7.6,
        "111011": 6.7, "111020": 6.2, "111021": 5.8, "111100": 7.4, "111101": 5.9, "111110": 5.7,
        "111111": 5.7, "111120": 4.7, "111121": 2.3, "111200": 6.1, "111201": 5.2, "111210": 5.7,
        "111211": 2.9, "111220": 2.4, "111221": 1.6, "112001": 7.1, "112011": 5.9, "112021": 3.0,
        "112101": 5.8, "112111": 2.6, "112121": 1.5, "112201": 2.3, "112211": 1.3, "112221": 0.6,
        "200000": 9.3, "200001": 8.7, "200010": 8.6, "200011": 7.2, "200020": 7.5, "200021": 5.8,
        "200100": 8.6, "200101": 7.4, "200110": 7.4, "200111": 6.1, "200120": 5.6, "200121": 3.4,
        "200200": 7.0, "200201": 5.4, "200210": 5.2, "200211": 4.0, "200220": 4.0, "200221": 2.2,
        "201000": 8.5, "201001": 7.5, "201010": 7.4, "201011": 5.5, "201020": 6.2, "201021": 5.1,
        "201100": 7.2, "201101": 5.7, "201110": 5.5, "201111": 4.1, "201120": 4.6, "201121": 1.9,
        "201200": 5.3, "201201": 3.6, "201210": 3.4, "201211": 1.9, "201220": 1.9, "201221": 0.8,
        "202001": 6.4, "202011": 5.1, "202021": 2.0, "202101": 4.7, "202111": 2.1, "202121": 1.1,
        "202201": 2.4, "202211": 0.9, "202221": 0.4, "210000": 8.8, "210001": 7.5, "210010": 7.3,
        "210011": 5.3, "210020": 6.0, "210021": 5.0, "210100": 7.3, "210101": 5.5, "210110": 5.9,
        "210111": 4.0, "210120": 4.1, "210121": 2.0, "210200": 5.4, "210201": 4.3, "210210": 4.5,
        "210211": 2.2, "210220": 2.0, "210221": 1.1, "211000": 7.5, "211001": 5.5, "211010": 5.8,
        "211011": 4.5, "211020": 4.0, "211021": 2.1, "211100": 6.1, "211101": 5.1, "211110": 4.8,
        "211111": 1.8, "211120": 2.0, "211121": 0.9, "211200": 4.6, "211201": 1.8, "211210": 1.7,
        "211211": 0.7, "211220": 0.8, "211221": 0.2, "212001": 5.3, "212011": 2.4, "212021": 1.4,
        "212101": 2.4, "212111": 1.2, "212121": 0.5, "212201": 1.0, "212211": 0.3, "212221": 0.1,
    ]
}
