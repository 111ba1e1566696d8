/// Thrown when a size or count derived from input does not fit in a 64-bit integer.
///
/// Swift traps on integer overflow; every product or sum of sizes that come from a
/// spec or an ONNX file goes through these helpers instead, so a hostile input
/// gets an error message rather than a crash.
public struct SizeOverflow: Error, Sendable, Equatable {
    public init() {}
}

/// The product of `factors`, or `SizeOverflow` if it does not fit in `Int`.
@inlinable
public func product(_ factors: Int...) throws(SizeOverflow) -> Int {
    try product(of: factors)
}

/// The product of a sequence of sizes, or `SizeOverflow` if it does not fit in `Int`.
@inlinable
public func product(of factors: some Sequence<Int>) throws(SizeOverflow) -> Int {
    var result = 1
    for factor in factors {
        let (next, overflow) = result.multipliedReportingOverflow(by: factor)
        if overflow { throw SizeOverflow() }
        result = next
    }
    return result
}

/// The sum of `terms`, or `SizeOverflow` if it does not fit in `Int`.
@inlinable
public func sum(_ terms: Int...) throws(SizeOverflow) -> Int {
    var result = 0
    for term in terms {
        let (next, overflow) = result.addingReportingOverflow(term)
        if overflow { throw SizeOverflow() }
        result = next
    }
    return result
}

extension Int {
    /// `self + other`, or `SizeOverflow`.
    @inlinable
    public func adding(_ other: Int) throws(SizeOverflow) -> Int {
        let (result, overflow) = addingReportingOverflow(other)
        if overflow { throw SizeOverflow() }
        return result
    }

    /// `self * other`, or `SizeOverflow`.
    @inlinable
    public func multiplied(by other: Int) throws(SizeOverflow) -> Int {
        let (result, overflow) = multipliedReportingOverflow(by: other)
        if overflow { throw SizeOverflow() }
        return result
    }
}

extension Int {
    /// Arithmetic on sizes read from a file, pinned at the largest Int instead of
    /// trapping: a size that large fits no device, and the report says so.
    func saturatingPlus(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? Int.max : Int.min) : sum
    }

    func saturatingMinus(_ other: Int) -> Int {
        let (difference, overflow) = subtractingReportingOverflow(other)
        return overflow ? (other < 0 ? Int.max : Int.min) : difference
    }

    func saturatingTimes(_ other: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? ((self < 0) != (other < 0) ? Int.min : Int.max) : product
    }
}
