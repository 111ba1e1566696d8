/// How much a finding matters: `--fail-on warning|error` turns findings into a non-zero exit.
public enum Severity: String, Sendable, Comparable, CaseIterable {
    case info, warning, error

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// One observation about the network, with the numbers behind it.
public struct Finding: Sendable {
    /// `G1` … `G4`, `DW-RATIO`, `WIDTH-SCALING`, `RESOLUTION-SCALING`, `COMPOUND-SCALING`,
    /// `RF`, `SQUEEZE`; docs/checks.md lists them with their thresholds.
    public var rule: String
    public var severity: Severity
    /// The layer or block it is about; nil for the whole network.
    public var layer: String?
    public var message: String
    /// The figures, in the order they read best.
    public var values: [(key: String, value: Double)]

    public init(_ rule: String, _ severity: Severity, layer: String? = nil, _ message: String, values: [(key: String, value: Double)] = []) {
        self.rule = rule
        self.severity = severity
        self.layer = layer
        self.message = message
        self.values = values
    }
}

/// A ratio the documents derive, measured on the network's own layers.
public struct MeasuredRatio: Sendable {
    /// What is compared: `depthwise-separable-macs`, `width-0.5-params`, …
    public var name: String
    public var rule: String
    public var layer: String?
    public var measured: Double
    public var predicted: Double

    public init(_ name: String, rule: String, layer: String? = nil, measured: Double, predicted: Double) {
        self.name = name
        self.rule = rule
        self.layer = layer
        self.measured = measured
        self.predicted = predicted
    }

    /// `measured / predicted − 1`.
    public var deviation: Double { predicted == 0 ? 0 : measured / predicted - 1 }
}

/// Everything `netcost check` found.
public struct CheckReport: Sendable {
    public var model: String
    public var findings: [Finding] = []
    public var ratios: [MeasuredRatio] = []

    public init(model: String) {
        self.model = model
    }

    /// The most severe finding's severity, nil when there are none.
    public var worst: Severity? { findings.map(\.severity).max() }
}
