import Foundation
@testable import NetCost
import Testing

/// The summary cards' units and captions, and the roofline's `×N` labels with their
/// leader lines.
@Suite("Visual report: card units, roofline labels")
struct VisualReportLabelTests {
    // MARK: Summary cards

    @Test func numbersKeepTheirUnits() {
        #expect(VisualReport.keepingUnits("43,266,256 elements = 173.07 MB") == "43,266,256\u{00A0}elements = 173.07\u{00A0}MB")
        #expect(VisualReport.keepingUnits("491 px") == "491\u{00A0}px")
        #expect(VisualReport.keepingUnits("0 errors, 24 warnings") == "0\u{00A0}errors, 24\u{00A0}warnings")
        #expect(VisualReport.keepingUnits("2×MACs + other arithmetic") == "2×MACs + other arithmetic", "no number before a space")
        #expect(VisualReport.keepingUnits("ridge 7.5 FLOP/byte") == "ridge 7.5\u{00A0}FLOP/byte")
    }

    /// No card breaks a line between a number and the word after it, and the
    /// memory-bound card has a short caption, the device in its tooltip.
    @Test func cardsOfMobileNetV2() throws {
        let model = try ModelLoader.load("mobilenet_v2")
        let report = CostReport(model: model, analysis: try Analysis(model.graph))
        let page = try XMLNode.parse(try VisualReport(report: report).html())
        let cards = page.all("div", class: "card")
        #expect(cards.count == 9)
        for card in cards {
            for part in card.all("div", class: "value") + card.all("div", class: "note") {
                let text = Array(part.allText)
                for index in text.indices.dropFirst().dropLast() where text[index] == " " {
                    #expect(!(text[index - 1].isNumber && text[index + 1].isLetter), "\(part.allText)")
                }
            }
        }
        let memory = try #require(cards.first { $0.all("div", class: "name").first?.allText == "Memory access" })
        #expect(memory.all("div", class: "note").first?.allText == "43,266,256\u{00A0}elements = 173.07\u{00A0}MB")
        let bound = try #require(cards.first { $0.all("div", class: "name").first?.allText == "Memory-bound layers" })
        #expect(bound.all("div", class: "value").first?.allText == "118\u{00A0}of 151")
        #expect(bound.all("div", class: "note").first?.allText == "below the roofline's ridge, 7.5\u{00A0}FLOP/byte")
        #expect(bound["title"] == "on the roofline of a nominal 4-core AVX2 desktop with dual-channel DDR4-3200: 384 GFLOP/s, 51.2 GB/s, ridge 7.5 FLOP/byte")
    }

    // MARK: Roofline labels

    /// A label's text box as the chart lays it out: 6 px a character and 3 px more, 12 px high.
    struct Box {
        var x: Double, y: Double, width: Double, height: Double
        init(_ text: XMLNode) {
            width = 6 * Double(text.allText.count) + 3
            height = 12
            x = (text.number("x") ?? 0) - 1.5
            y = (text.number("y") ?? 0) + 2.5 - height
        }
        func distance(_ px: Double, _ py: Double) -> Double {
            let dx = max(x - px, 0, px - (x + width)), dy = max(y - py, 0, py - (y + height))
            return (dx * dx + dy * dy).squareRoot()
        }
    }

    /// MobileNetV2 on the nominal desktop: the compute-bound convolutions crowd the flat
    /// roof and the batch norms and ReLU6s share spots on the slope. Each `×N` label says
    /// how many layers its spot holds, and a leader line runs from the spot's centre,
    /// marked by a dot, to its own label, not to any other.
    @Test func everyLabelHasALeaderLineToItsSpot() throws {
        let model = try ModelLoader.load("mobilenet_v2")
        let report = CostReport(model: model, analysis: try Analysis(model.graph))
        let svg = try XMLNode.parse(try VisualReport(report: report).svg(.roofline))
        let labels = svg.all("g", class: "spot")
        #expect(labels.count >= 10)
        let boxes = try labels.map { try Box(#require($0.all("text").first)) }
        for (index, label) in labels.enumerated() {
            let count = try #require(label.number("data-count"))
            #expect(count >= 2)
            #expect(label.all("text").first?.allText == "×\(Int(count))")
            let x = try #require(label.number("data-x")), y = try #require(label.number("data-y"))
            let line = try #require(label.all("line").first)
            #expect(line.number("x1") == x && line.number("y1") == y, "the line starts at the spot's centre")
            let anchor = try #require(label.all("circle").first)
            #expect(anchor.number("cx") == x && anchor.number("cy") == y)
            let end = (try #require(line.number("x2")), try #require(line.number("y2")))
            #expect(boxes[index].distance(end.0, end.1) <= 1.5, "the line ends at its own label")
            for (other, box) in boxes.enumerated() where other != index {
                #expect(box.distance(end.0, end.1) > 3, "the line of \(label.allText) ends away from another label")
                let apart = box.x >= boxes[index].x + boxes[index].width || boxes[index].x >= box.x + box.width
                    || box.y >= boxes[index].y + boxes[index].height || boxes[index].y >= box.y + box.height
                #expect(apart, "labels do not overlap")
            }
        }
        // All 88 of the slope's 0.25 FLOP/byte layers share one spot: batch norms and ReLU6s.
        let crowded = try #require(labels.first { $0.number("data-count") == 88 })
        let title = crowded.all("title").first?.allText ?? ""
        #expect(title.hasPrefix("88 layers at one spot: "))
        #expect(title.contains("batchnorm ×") && title.contains("relu6 ×"))
        // Every labelled layer is counted once.
        let points = svg.all("g", class: "point").count
        #expect(labels.compactMap { $0.number("data-count") }.reduce(0, +) <= Double(points))
    }

    /// Spots of one dot are not labelled; dots within 8 px join the spot of the first.
    @Test func spotsGroupDotsWithinReach() {
        let dots = [RooflineSpots.Dot(x: 100, y: 100, radius: 3, layer: 1), RooflineSpots.Dot(x: 106, y: 104, radius: 5, layer: 2),
                    RooflineSpots.Dot(x: 130, y: 100, radius: 3, layer: 3)]
        let spots = RooflineSpots.spots(dots)
        #expect(spots.map(\.layers) == [[1, 2], [3]])
        #expect(spots[0].x == 103 && spots[0].y == 102 && spots[0].radius == 5)
        let area = PlotArea(left: 0, top: 0, width: 300, height: 300)
        let labels = RooflineSpots.labels(spots, minimum: 2, dots: dots, roof: [], area: area)
        #expect(labels.map(\.text) == ["×2"])
        #expect(labels[0].leader.x1 == 103 && labels[0].leader.y1 == 102)
    }
}
