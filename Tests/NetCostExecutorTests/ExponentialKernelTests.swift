import Foundation
import NetCost
@testable import NetCostExecutor
import Testing

/// The kernel sets' vector `e^x`, which exp, sigmoid, swish and tanh run through in the
/// fast path, against the C library's functions (the reference path's), at every width
/// this CPU runs.
@Suite struct ExponentialKernelTests {
    /// 20,001 points from −87 to 88, and the points halfway between multiples of ln 2,
    /// where the range reduction's integer changes; 20,022 floats, so that the last
    /// vector of every width is a part one.
    static let points: [Float] = {
        let even: [Float] = (0...20_000).map { (index: Int) -> Float in -87 + 175 * Float(index) / 20_000 }
        let halfway: [Float] = (-10...10).map { (n: Int) -> Float in Float(n) * 0.693_147_2 + 0.346_573_6 }
        return even + halfway
    }()

    /// The worst relative error of `function` through the kernel set against `exact`.
    static func worstError(_ kernels: KernelSet, _ function: Activation.Function, exact: (Double) -> Double) -> (error: Double, at: Float) {
        var values = points
        let handled = values.withUnsafeMutableBufferPointer { kernels.exponentialMap(function, $0.baseAddress!, count: $0.count) }
        #expect(handled)
        var worst = (error: 0.0, at: Float(0))
        for (x, value) in zip(points, values) {
            let expected = exact(Double(x))
            // Relative, on a floor of 10⁻³⁰ for results that underflow towards zero.
            let error = abs(Double(value) - expected) / max(abs(expected), 1e-30)
            if !(error <= worst.error) { worst = (error, x) }
        }
        return worst
    }

    @Test(arguments: KernelSet.available)
    func exponentialWithinThreeUlp(kernels: KernelSet) {
        let worst = Self.worstError(kernels, .exp, exact: Foundation.exp)
        // A float's unit in the last place is 6·10⁻⁸ relative at most; three of them cover
        // the series' first term left out (below 6·10⁻⁹) and the multiplies' rounding.
        #expect(worst.error < 1.8e-7, "\(kernels.name): worst relative error \(worst.error) at x = \(worst.at)")
    }

    @Test(arguments: KernelSet.available)
    func sigmoidSwishAndTanhFollow(kernels: KernelSet) {
        let sigmoid = Self.worstError(kernels, .sigmoid) { 1 / (1 + Foundation.exp(-$0)) }
        let swish = Self.worstError(kernels, .swish) { $0 / (1 + Foundation.exp(-$0)) }
        let tanh = Self.worstError(kernels, .tanh) { Foundation.tanh($0) }
        // Near 0, small values: 1/4 and below (the series), and just above.
        let small = (-200...200).map { (i: Int) -> Float in Float(i) * 0.001 }
        var values = small
        _ = values.withUnsafeMutableBufferPointer { kernels.exponentialMap(.tanh, $0.baseAddress!, count: $0.count) }
        let nearZero = zip(small, values).map { x, value in
            abs(Double(value) - Foundation.tanh(Double(x))) / max(abs(Foundation.tanh(Double(x))), 1e-30)
        }.max() ?? .infinity
        // A few ulp each: 1/(1 + e^−x) and x/(1 + e^−x) add one division's rounding to
        // e^x's; tanh's 1 − 2/(1 + e^2x) loses up to an ulp of 1 against a result of 1/4.
        #expect(sigmoid.error < 4e-7, "\(kernels.name): sigmoid \(sigmoid.error) at \(sigmoid.at)")
        #expect(swish.error < 4e-7, "\(kernels.name): swish \(swish.error) at \(swish.at)")
        #expect(tanh.error < 1e-6, "\(kernels.name): tanh \(tanh.error) at \(tanh.at)")
        #expect(nearZero < 1e-6, "\(kernels.name): tanh near 0 \(nearZero)")
    }

    /// Past the clamps the result stays finite and normal, and a NaN stays a NaN.
    @Test(arguments: KernelSet.available)
    func clampsAndNaN(kernels: KernelSet) {
        var values: [Float] = [-1_000, -88, 89, 1_000, .nan, 0, 1, -1]
        _ = values.withUnsafeMutableBufferPointer { kernels.exponentialMap(.exp, $0.baseAddress!, count: $0.count) }
        #expect(values[0] > 0 && values[0].isNormal && values[0] < 1e-37)
        #expect(values[3].isFinite && values[3] > 1e38)
        #expect(values[4].isNaN)
        #expect(values[5] == 1)
        #expect(abs(Double(values[6]) - M_E) / M_E < 1.8e-7)
    }

    /// Functions with no vector `e^x` are left to the Swift loops.
    @Test func otherFunctionsAreNotHandled() {
        var value: Float = 2
        let handled = withUnsafeMutablePointer(to: &value) { KernelSet.available[0].exponentialMap(.relu, $0, count: 1) }
        #expect(!handled && value == 2)
    }
}
