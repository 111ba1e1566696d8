import NetCost
import Testing

/// Einsum's `...`: the unnamed leading axes, spelled out before the equation is costed.
@Suite struct EinsumOpTests {
    static func plan(_ equation: String, _ shapes: [[Int]]) throws -> Einsum.Plan {
        try Einsum(equation: equation).plan(shapes.map { try TensorShape($0) })
    }

    /// numpy's `np.einsum("...ij,jk", ones((2, 3, 4, 5)), ones((5, 6))).shape` is (2, 3, 4, 6):
    /// the `...` of the first operand is 2 axes, the second has none; the implicit output
    /// puts `...` first, then the letters seen once.
    @Test func implicitOutputKeepsTheEllipsisFirst() throws {
        let plan = try Self.plan("...ij,jk", [[2, 3, 4, 5], [5, 6]])
        #expect(plan.output.map { plan.sizes[$0] } == [2, 3, 4, 6])
        // 2·3·4·5·6 combinations, one product each.
        #expect(try Einsum(equation: "...ij,jk").cost([TensorShape([2, 3, 4, 5]), TensorShape([5, 6])], TensorShape([2, 3, 4, 6])).macs == 720)
    }

    /// `...` of different widths aligns from the right, as numpy broadcasts:
    /// `np.einsum("...ij,...jk->...ik", ones((7, 3, 4, 5)), ones((3, 5, 2))).shape` is (7, 3, 4, 2).
    @Test func ellipsesOfDifferentWidthsAlignFromTheRight() throws {
        let plan = try Self.plan("...ij,...jk->...ik", [[7, 3, 4, 5], [3, 5, 2]])
        #expect(plan.output.map { plan.sizes[$0] } == [7, 3, 4, 2])
    }

    @Test func malformedEllipsesAreErrors() throws {
        let dots = try #require(throws: InputError.self) { try Self.plan("..i.j,jk", [[2, 3, 4], [4, 5]]) }
        #expect(dots.field == "equation")
        let wide = try #require(throws: InputError.self) { try Self.plan("...ijk,kl", [[2, 3], [3, 4]]) }
        #expect(wide.message.contains("more axes"))
    }
}
