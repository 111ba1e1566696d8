import NetCost
import Testing

@Suite("JSON reader and writer")
struct JSONTests {
    @Test func integersStayExactAndBooleansStayBooleans() throws {
        let value = try JSONParser.parse(#"{"big": 9007199254740993, "flag": true, "half": 0.5, "exp": 1e3}"#)
        guard case .object(let object) = value else {
            Issue.record("not an object")
            return
        }
        // 2^53 + 1 is not representable as a Double; it must survive as an integer.
        #expect(object["big"] == .integer(9_007_199_254_740_993))
        #expect(object["flag"] == .bool(true))
        #expect(object["half"] == .number(0.5))
        #expect(object["exp"] == .number(1000))
    }

    @Test func stringEscapesAndUnicode() throws {
        let value = try JSONParser.parse(#"["tab\there", "\u00e9\ud83d\ude00", "quote\"slash\\"]"#)
        #expect(value == .array([.string("tab\there"), .string("é😀"), .string("quote\"slash\\")]))
    }

    @Test(arguments: [
        ("", "unexpected end of input"),
        ("[1, 2", "unexpected end of input"),
        ("[01]", "leading zeros"),
        ("{\"a\" 1}", "expected ':'"),
        ("[1,]", "unexpected character"),
        ("\"\\x\"", "invalid escape"),
        ("tru", "invalid literal"),
        ("[1] [2]", "unexpected text after"),
        ("\"\\ud800\"", "unpaired surrogate"),
    ])
    func malformedDocumentsAreRejected(_ text: String, _ expected: String) {
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(text) }
        do {
            _ = try JSONParser.parse(text)
        } catch {
            #expect(error.message.contains(expected), "\(text): \(error.message)")
        }
    }

    @Test func errorsCarryLineAndColumn() {
        do {
            _ = try JSONParser.parse("{\n  \"a\": 1,\n  \"b\": ?\n}")
            Issue.record("accepted")
        } catch {
            #expect(error.line == 3)
            #expect(error.column == 8)
        }
    }

    @Test func writerRoundTripsAndEscapes() throws {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("name", "a \"quoted\"\nname")
        writer.field("shape", integers: [3, 224, 224])
        writer.field("ratio", 0.25)
        writer.field("whole", 32.0)
        writer.key("none")
        writer.null()
        writer.endObject()
        #expect(writer.text.contains("\"shape\": [3, 224, 224]"))
        #expect(writer.text.contains("\"whole\": 32\n") || writer.text.contains("\"whole\": 32,"))
        let parsed = try JSONParser.parse(writer.text)
        let object = try #require(parsed.objectValue)
        #expect(object["name"] == .string("a \"quoted\"\nname"))
        #expect(object["ratio"] == .number(0.25))
        #expect(object["none"] == .null)
    }

    @Test func fragmentsWrittenSeparatelyJoinIntoOneArray() throws {
        var whole = JSONWriter()
        whole.beginArray()
        var first = JSONWriter(insideContainers: whole.depth)
        let empty = JSONWriter(insideContainers: whole.depth)
        var second = JSONWriter(insideContainers: whole.depth)
        first.value(1)
        first.value(2)
        second.value(3)
        whole.append(fragment: first)
        whole.append(fragment: empty)
        whole.append(fragment: second)
        whole.endArray()
        #expect(try JSONParser.parse(whole.text) == .array([.integer(1), .integer(2), .integer(3)]))
    }
}
