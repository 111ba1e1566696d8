import Foundation
import NetCost
import Testing

/// Crafted bad specs: each must be refused with an `InputError` that names where the
/// problem is (layer and field, or line and column), and none may crash or trap.
@Suite("Bad specs")
struct BadSpecTests {
    /// Loads `text` and returns the error it must raise.
    private func refusal(_ text: String, overrides: SpecOverrides = SpecOverrides()) -> InputError? {
        do {
            let model = try SpecLoader.load(text: text, file: "bad.json", overrides: overrides)
            _ = try Analysis(model.graph)
            return nil
        } catch {
            return error
        }
    }

    /// A one-layer-after-input spec around `layers`.
    private func spec(_ layers: String, input: String = "[3, 16, 16]") -> String {
        #"{"name": "bad", "input": \#(input), "layers": [\#(layers)]}"#
    }

    @Test func malformedJSONGivesLineAndColumn() throws {
        let error = try #require(refusal("{\n  \"input\": [3, 8, 8],\n  \"layers\": [ {\"op\": \"relu\",} ]\n}"))
        #expect(error.file == "bad.json")
        #expect(error.line == 3)
        #expect(error.message.contains("malformed JSON"))
    }

    @Test func truncatedJSON() throws {
        let error = try #require(refusal(#"{"input": [3, 8, 8], "layers": [{"op": "re"#))
        #expect(error.message.contains("unexpected end of input"))
    }

    /// A spec path holding a file of another kind says what it holds before the JSON parser fails on it.
    @Test func otherKindsOfFileAreNamed() throws {
        let zip = try #require(refusal("PK\u{3}\u{4}" + String(repeating: " ", count: 40)))
        #expect(zip.message.hasPrefix("is a ZIP archive, not a spec file: a PyTorch checkpoint? "))
        let empty = try #require(refusal(""))
        #expect(empty.message == "is empty, not a spec file")
        #expect(empty.file == "bad.json")
    }

    /// No shipped spec is taken for another kind of file.
    @Test func shippedSpecsMatchNoSignature() throws {
        let stems = try Repository.specStems()
        #expect(stems.count > 20)
        for stem in stems {
            let text = try String(contentsOfFile: Repository.specPath(stem), encoding: .utf8)
            #expect(FileSignature.identify(Array(text.utf8), expecting: .spec) == nil, "\(stem)")
        }
    }

    @Test func topLevelMustBeAnObject() throws {
        let error = try #require(refusal("[1, 2, 3]"))
        #expect(error.message.contains("JSON object"))
    }

    @Test func missingInput() throws {
        let error = try #require(refusal(#"{"layers": [{"op": "relu"}]}"#))
        #expect(error.field == "input")
    }

    /// A misspelt required field gets the same hint as a misspelt optional one, at the
    /// line the misspelling is on; at the top level and in a layer alike.
    @Test func misspeltRequiredFieldsSuggestTheName() throws {
        let topLevel = try #require(refusal("{\n  \"name\": \"t\",\n  \"inptu\": [3, 8, 8],\n  \"layers\": []\n}"))
        #expect(topLevel.field == "input")
        #expect(topLevel.line == 3)
        #expect(topLevel.message.hasSuffix("\"inptu\" is given: did you mean \"input\"?"))
        let layer = try #require(refusal("{\"input\": [3, 8, 8], \"layers\": [\n  {\"name\": \"c\",\n   \"op\": \"conv2d\", \"out\": 4,\n   \"kernal\": 3}]}"))
        #expect(layer.layer == "c")
        #expect(layer.field == "kernel")
        #expect(layer.line == 4)
        #expect(layer.message == "is required; \"kernal\" is given: did you mean \"kernel\"?")
    }

    /// An error about a top-level field cites that field's line, not the file's first.
    @Test func topLevelFieldErrorsCiteTheirLine() throws {
        let error = try #require(refusal("{\n  \"input\": [3, 8, 8],\n  \"width_rounding\": \"weird\",\n  \"layers\": []\n}"))
        #expect(error.field == "width_rounding")
        #expect(error.line == 3)
    }

    @Test func unknownOpSuggestsTheNearestName() throws {
        let error = try #require(refusal(spec(#"{"name": "c1", "op": "conv2", "out": 8, "kernel": 3}"#)))
        #expect(error.layer == "c1")
        #expect(error.field == "op")
        #expect(error.message.contains("did you mean \"conv2d\""))
    }

    @Test func unknownBlock() throws {
        let error = try #require(refusal(spec(#"{"name": "b", "block": "inverted_residul", "expand": 6, "out": 8}"#)))
        #expect(error.field == "block")
        #expect(error.message.contains("inverted_residual"))
    }

    @Test func misspeltFieldIsNotIgnored() throws {
        let error = try #require(refusal(spec(#"{"name": "c1", "op": "conv2d", "out": 8, "kernel": 3, "strid": 2}"#)))
        #expect(error.layer == "c1")
        #expect(error.field == "strid")
        #expect(error.message.contains("did you mean \"stride\""))
    }

    @Test func wrongFieldType() throws {
        let error = try #require(refusal(spec(#"{"name": "c1", "op": "conv2d", "out": 8, "kernel": "3"}"#)))
        #expect(error.field == "kernel")
        #expect(error.message.contains("remove the quotes"))
    }

    @Test func negativeSize() throws {
        let error = try #require(refusal(spec(#"{"name": "c1", "op": "conv2d", "out": -8, "kernel": 3}"#)))
        #expect(error.field == "out")
        #expect(error.message.contains("at least 1"))
    }

    @Test func fractionalSize() throws {
        let error = try #require(refusal(spec(#"{"name": "c1", "op": "conv2d", "out": 8.5, "kernel": 3}"#)))
        #expect(error.field == "out")
        #expect(error.message.contains("whole number"))
    }

    @Test func hugeSize() throws {
        let error = try #require(refusal(spec(#"{"name": "fc", "op": "linear", "out": 1000000000000}"#, input: "[10]")))
        #expect(error.field == "out")
        #expect(error.message.contains("too large"))
    }

    @Test func countsThatOverflowSixtyFourBitsAreAnErrorNotATrap() throws {
        // 2^31 - 1 inputs times 2^31 - 1 outputs is about 4.6e18 weights; times a batch of
        // 16 rows the multiply-accumulates exceed Int.max (9.2e18).
        let error = try #require(refusal(spec(#"{"name": "fc", "op": "linear", "out": 2147483647}"#, input: "[16, 2147483647]")))
        #expect(error.layer == "fc")
        #expect(error.message.contains("overflow"))
    }

    @Test func shapeMismatchInResidualAdd() throws {
        let layers = #"""
        {"name": "a", "op": "conv2d", "out": 8, "kernel": 3, "padding": 1},
        {"name": "b", "op": "conv2d", "out": 16, "kernel": 3, "padding": 1, "inputs": "input"},
        {"name": "sum", "op": "add", "inputs": ["a", "b"]}
        """#
        let error = try #require(refusal(spec(layers)))
        #expect(error.layer == "sum")
        #expect(error.field == "inputs")
        #expect(error.message.contains("[1, 8, 16, 16]") && error.message.contains("[1, 16, 16, 16]"))
    }

    @Test func concatWithDifferentSpatialSizes() throws {
        let layers = #"""
        {"name": "a", "op": "conv2d", "out": 8, "kernel": 3, "stride": 2, "padding": 1},
        {"name": "cat", "op": "concat", "inputs": ["a", "input"]}
        """#
        let error = try #require(refusal(spec(layers)))
        #expect(error.layer == "cat")
        #expect(error.message.contains("other sizes differ"))
    }

    @Test func cycleIsNamed() throws {
        let layers = #"""
        {"name": "a", "op": "relu", "inputs": "c"},
        {"name": "b", "op": "relu", "inputs": "a"},
        {"name": "c", "op": "relu", "inputs": "b"}
        """#
        let error = try #require(refusal(spec(layers)))
        #expect(error.field == "inputs")
        #expect(error.message.contains("cycle"))
        #expect(error.message.contains("a reads c, c reads b, b reads a"))
    }

    /// `x` in group `a` reads `b`, which resolves to the nested group `a.b`, not to the
    /// top-level group `b`; each waits on a name nothing defines. The explanation follows
    /// `a.b`, as `x` resolves the name, on every load: it once followed whichever of the
    /// two groups a dictionary's hashed order met first.
    @Test func unresolvedNameInNestedGroupsIsExplainedTheSameWayEveryTime() throws {
        let layers = #"""
        {"name": "a", "layers": [
          {"name": "x", "op": "relu", "inputs": "b"},
          {"name": "b", "layers": [{"name": "y", "op": "relu", "inputs": "missing_inner"}]}
        ]},
        {"name": "b", "layers": [{"name": "z", "op": "relu", "inputs": "missing_outer"}]}
        """#
        let expected = InputError("reads \"missing_inner\", which no layer is called", file: "bad.json", line: 3, layer: "a.b.y", field: "inputs")
        for _ in 0..<20 {
            #expect(refusal(spec(layers)) == expected)
        }
    }

    @Test func unknownInputSuggestsTheNearestName() throws {
        let layers = #"""
        {"name": "stem", "op": "conv2d", "out": 8, "kernel": 3},
        {"name": "head", "op": "relu", "inputs": "stme"}
        """#
        let error = try #require(refusal(spec(layers)))
        #expect(error.layer == "head")
        #expect(error.message.contains("did you mean \"stem\""))
    }

    @Test func duplicateName() throws {
        let error = try #require(refusal(spec(#"{"name": "x", "op": "relu"}, {"name": "x", "op": "relu"}"#)))
        #expect(error.field == "name")
        #expect(error.message.contains("used twice"))
    }

    @Test func groupsMustDivideChannels() throws {
        let error = try #require(refusal(spec(#"{"name": "g", "op": "conv2d", "out": 8, "kernel": 3, "groups": 2}"#)))
        #expect(error.layer == "g")
        #expect(error.field == "groups")
    }

    @Test func kernelLargerThanInput() throws {
        let error = try #require(refusal(spec(#"{"name": "big", "op": "conv2d", "out": 8, "kernel": 7}"#, input: "[3, 4, 4]")))
        #expect(error.layer == "big")
        #expect(error.field == "kernel")
        #expect(error.message.contains("larger than the padded input"))
    }

    @Test func convolutionAfterFlattenNeedsAFeatureMap() throws {
        let error = try #require(refusal(spec(#"{"op": "flatten"}, {"name": "c", "op": "conv2d", "out": 4, "kernel": 1}"#)))
        #expect(error.layer == "c")
        #expect(error.message.contains("[N, C, H, W]"))
    }

    @Test func classesUsedButNotSet() throws {
        let error = try #require(refusal(spec(#"{"op": "flatten"}, {"name": "fc", "op": "linear", "out": "classes"}"#)))
        #expect(error.layer == "fc")
        #expect(error.field == "out")
    }

    @Test func wrongInputCount() throws {
        let error = try #require(refusal(spec(#"{"name": "sum", "op": "add"}"#)))
        #expect(error.layer == "sum")
        #expect(error.message.contains("at least 2 inputs"))
    }

    @Test func stageRowOfTheWrongLength() throws {
        let table = #"{"name": "s", "block": "inverted_residual", "columns": ["t", "c", "n", "s"], "rows": [[6, 24, 2]]}"#
        let error = try #require(refusal(spec(table)))
        #expect(error.field == "rows")
        #expect(error.message.contains("row 0"))
    }

    @Test func splitSizesMustCoverTheAxis() throws {
        let error = try #require(refusal(spec(#"{"name": "s", "op": "split", "sizes": [1, 1], "index": 0}"#)))
        #expect(error.layer == "s")
        #expect(error.field == "sizes")
    }

    @Test func unknownRoundingRule() throws {
        let error = try #require(refusal(#"{"input": [3, 8, 8], "width_rounding": "divisable_by_8", "layers": [{"op": "relu"}]}"#))
        #expect(error.field == "width_rounding")
    }

    @Test func hostileNestingDepthIsRefused() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let error = try #require(refusal(#"{"input": [3, 8, 8], "layers": "# + deep + "}"))
        #expect(error.message.contains("nesting deeper"))
    }

    @Test func duplicateJSONKey() throws {
        let error = try #require(refusal(#"{"input": [3, 8, 8], "input": [3, 4, 4], "layers": [{"op": "relu"}]}"#))
        #expect(error.message.contains("duplicate key \"input\""))
    }

    @Test func extendsAMissingBase() throws {
        let error = try #require(refusal(#"{"extends": "no_such_model", "layers": []}"#))
        #expect(error.field == "extends")
    }

    @Test func activationThatDoesNotExist() throws {
        let error = try #require(refusal(spec(#"{"name": "b", "block": "conv", "out": 8, "kernel": 3, "activation": "rleu"}"#)))
        #expect(error.layer == "b")
        #expect(error.field == "activation")
        #expect(error.message.contains("did you mean \"relu\""))
    }

    @Test func zeroSizedInput() throws {
        let error = try #require(refusal(spec(#"{"op": "relu"}"#, input: "[3, 0, 8]")))
        #expect(error.field == "input")
    }

    /// A stochastic-depth rate spread over a stage table's blocks needs their count.
    @Test func stochasticDepthNeedsTheBlockCount() throws {
        let error = try #require(refusal(spec("""
            {"name": "s", "block": "mbconv", "columns": ["t", "c"], "rows": [[1, 16]], "stochastic_depth": 0.2}
            """)))
        #expect(error.field == "stochastic_depth")
        #expect(error.message.contains("repeat"))
    }
}

