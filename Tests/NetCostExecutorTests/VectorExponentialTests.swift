import Foundation
@testable import NetCostExecutor
import Testing

/// The vector `e^x` that sigmoid, swish, tanh and exp use in the fast path, against the
/// C library's `exp` (the scalar path's) over the whole range where neither overflows.
@Suite struct VectorExponentialTests {
    @Test func agreesWithTheLibraryExponential() {
        var worst = 0.0, at: Float = 0
        // 20,001 points from −87 to 88, and the points where range reduction changes n.
        let even: [Float] = (0...20_000).map { (index: Int) -> Float in -87 + 175 * Float(index) / 20_000 }
        let halfway: [Float] = (-10...10).map { (n: Int) -> Float in Float(n) * 0.693_147_2 + 0.346_573_6 }
        let points = even + halfway
        for start in stride(from: 0, to: points.count - 7, by: 8) {
            let x = Vector(points[start..<start + 8])
            let vector = exponential(x)
            for lane in 0..<8 {
                let expected = Foundation.exp(Double(x[lane]))
                let error = abs(Double(vector[lane]) - expected) / expected
                if error > worst { (worst, at) = (error, x[lane]) }
            }
        }
        // A float's unit in the last place is 6·10⁻⁸ relative at most; three of them cover
        // the series' first term left out (below 6·10⁻⁹) and the multiplies' rounding.
        #expect(worst < 1.8e-7, "worst relative error \(worst) at x = \(at)")
    }

    /// Past the clamps the result stays finite and normal, and a NaN stays a NaN.
    @Test func clampsAndNaN() {
        let v = exponential(Vector(-1_000, -88, 89, 1_000, .nan, 0, 1, -1))
        #expect(v[0] > 0 && v[0].isNormal && v[0] < 1e-37)
        #expect(v[3].isFinite && v[3] > 1e38)
        #expect(v[4].isNaN)
        #expect(v[5] == 1)
        #expect(abs(Double(v[6]) - M_E) / M_E < 1.8e-7)
    }
}
