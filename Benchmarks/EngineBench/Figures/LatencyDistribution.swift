import Foundation

/// Samples in milliseconds and their nearest-rank percentiles.
struct LatencyDistribution: Sendable {
    /// The samples, sorted.
    let sorted: [Double]

    /// Sorts `samples` (milliseconds).
    init(_ samples: [Double]) {
        sorted = samples.sorted()
    }

    /// How many samples.
    var count: Int { sorted.count }

    /// The smallest sample `p` percent of the samples do not exceed (nearest rank); 0 without samples.
    func percentile(_ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count, max(1, rank)) - 1]
    }

    /// The mean; 0 without samples.
    var mean: Double { sorted.isEmpty ? 0 : sorted.reduce(0, +) / Double(sorted.count) }

    /// The largest sample; 0 without samples.
    var maximum: Double { sorted.last ?? 0 }

    /// `p50`, `p99` and the like with two decimals.
    static func format(_ value: Double) -> String { String(format: "%.2f", value) }
}
