/// The roofline's `×N` labels. Layers of one kind and shape (every batch norm and ReLU6
/// of a stage) land on one spot, so the chart says how many share it. Several crowded
/// spots sit close together on the roof, and a label beside its dot may then stand as
/// near to a neighbour's: each label is placed where it overlaps no dot, no other label
/// and not the roof, and a leader line joins it to the centre of its spot, marked by a
/// small dark dot drawn over the layers' dots.
///
/// Placement is greedy and deterministic: the most crowded spot first, each label at
/// the first free position of a fixed list, by distance from the spot's largest dot
/// (8 px and out) then direction
/// (below right, below, right, below left, above right, above, left, above left).
struct RooflineSpots {
    /// Dots within `reach` px of a spot's first dot (in x order) join it.
    struct Spot {
        /// Its first dot's centre, which later dots are compared with.
        var first: (x: Double, y: Double)
        /// The mean of its dots' centres, where the leader line ends.
        var x: Double
        var y: Double
        /// The largest radius among its dots: labels keep clear of it.
        var radius: Double
        var layers: [Int]
    }

    /// A label's text box (`x`, `y` its top left), and the leader line from the spot's edge to the box.
    struct Label {
        var spot: Spot
        var text: String
        var x: Double
        var y: Double
        var width: Double
        var height: Double
        var leader: (x1: Double, y1: Double, x2: Double, y2: Double)

        /// The baseline of 10 px text in the box.
        var baseline: Double { y + height - 2.5 }
    }

    struct Dot {
        var x: Double
        var y: Double
        var radius: Double
        var layer: Int
    }

    /// Groups dots that share a spot.
    static func spots(_ dots: [Dot], reach: Double = 8) -> [Spot] {
        var spots: [Spot] = []
        for dot in dots.sorted(by: { ($0.x, $0.y, $0.layer) < ($1.x, $1.y, $1.layer) }) {
            // Spots start in x order: only the last few can be within reach.
            var match: Int?
            var index = spots.count - 1
            while index >= 0 && spots[index].first.x >= dot.x - reach {
                if abs(spots[index].first.y - dot.y) <= reach { match = index; break }
                index -= 1
            }
            if let match {
                let count = Double(spots[match].layers.count)
                spots[match].x = (spots[match].x * count + dot.x) / (count + 1)
                spots[match].y = (spots[match].y * count + dot.y) / (count + 1)
                spots[match].layers.append(dot.layer)
                spots[match].radius = max(spots[match].radius, dot.radius)
            } else {
                spots.append(Spot(first: (dot.x, dot.y), x: dot.x, y: dot.y, radius: dot.radius, layers: [dot.layer]))
            }
        }
        return spots
    }

    /// Labels for the spots of at least `minimum` layers, clear of `dots`, of each other
    /// and of the `roof` polyline, inside `area`.
    static func labels(_ spots: [Spot], minimum: Int, dots: [Dot], roof: [(Double, Double)], area: PlotArea) -> [Label] {
        let directions: [(Double, Double)] = [(0.71, 0.71), (0, 1), (1, 0), (-0.71, 0.71), (0.71, -0.71), (0, -1), (-1, 0), (-0.71, -0.71)]
        let distances: [Double] = [8, 18, 30, 44, 60, 78, 98]
        var placed: [Label] = []
        let crowded = spots.filter { $0.layers.count >= minimum }
            .sorted { ($0.layers.count, -$0.x, -$0.y) > ($1.layers.count, -$1.x, -$1.y) }
        for spot in crowded {
            let text = "×\(spot.layers.count)"
            let width = 6.0 * Double(text.count) + 3, height = 12.0
            var fallback: Label?
            var chosen: Label?
            search: for distance in distances {
                for (dx, dy) in directions {
                    let reach = spot.radius + distance
                    let centre = (spot.x + dx * (reach + width / 2 * abs(dx)), spot.y + dy * (reach + height / 2 * abs(dy)))
                    let box = (x: centre.0 - width / 2, y: centre.1 - height / 2)
                    guard box.x >= area.left + 2, box.x + width <= area.right - 2, box.y >= area.top + 2, box.y + height <= area.bottom - 2 else { continue }
                    let label = Label(spot: spot, text: text, x: box.x, y: box.y, width: width, height: height,
                                      leader: leader(from: spot, toBox: box, width: width, height: height))
                    let clearOfLabels = !placed.contains { overlaps(label, $0, margin: 3) || crosses(label.leader, $0) || crosses($0.leader, label) }
                    guard clearOfLabels else { continue }
                    if fallback == nil { fallback = label }
                    let clearOfDots = !dots.contains { circle($0.x, $0.y, $0.radius + 1, meets: label) }
                    let clearOfRoof = zip(roof, roof.dropFirst()).allSatisfy { !segment($0, $1, meets: label) }
                    if clearOfDots && clearOfRoof { chosen = label; break search }
                }
            }
            if let label = chosen ?? fallback { placed.append(label) }
        }
        return placed.sorted { ($0.spot.x, $0.spot.y) < ($1.spot.x, $1.spot.y) }
    }

    // MARK: Geometry

    /// From the spot's centre towards the box's centre, to where that line enters the box.
    private static func leader(from spot: Spot, toBox box: (x: Double, y: Double), width: Double, height: Double) -> (x1: Double, y1: Double, x2: Double, y2: Double) {
        let centre = (box.x + width / 2, box.y + height / 2)
        let dx = centre.0 - spot.x, dy = centre.1 - spot.y
        let length = (dx * dx + dy * dy).squareRoot()
        guard length > 0 else { return (spot.x, spot.y, spot.x, spot.y) }
        let start = (spot.x, spot.y)
        // The line leaves the box's centre through the side it meets first.
        let scale = min(dx == 0 ? .infinity : (width / 2 + 1) / abs(dx), dy == 0 ? .infinity : (height / 2 + 1) / abs(dy))
        return (start.0, start.1, centre.0 - dx * scale, centre.1 - dy * scale)
    }

    private static func overlaps(_ a: Label, _ b: Label, margin: Double) -> Bool {
        a.x < b.x + b.width + margin && b.x < a.x + a.width + margin && a.y < b.y + b.height + margin && b.y < a.y + a.height + margin
    }

    private static func circle(_ x: Double, _ y: Double, _ radius: Double, meets label: Label) -> Bool {
        let nearestX = min(max(x, label.x), label.x + label.width), nearestY = min(max(y, label.y), label.y + label.height)
        return (nearestX - x) * (nearestX - x) + (nearestY - y) * (nearestY - y) < radius * radius
    }

    /// Whether the segment passes through the label's box, sampled every 2 px.
    private static func segment(_ a: (Double, Double), _ b: (Double, Double), meets label: Label) -> Bool {
        let length = ((b.0 - a.0) * (b.0 - a.0) + (b.1 - a.1) * (b.1 - a.1)).squareRoot()
        let steps = max(1, Int(min(length, 4_000) / 2))
        for step in 0...steps {
            let t = Double(step) / Double(steps)
            let x = a.0 + (b.0 - a.0) * t, y = a.1 + (b.1 - a.1) * t
            if x >= label.x - 1 && x <= label.x + label.width + 1 && y >= label.y - 1 && y <= label.y + label.height + 1 { return true }
        }
        return false
    }

    /// Whether a leader line passes through another label's box.
    private static func crosses(_ line: (x1: Double, y1: Double, x2: Double, y2: Double), _ label: Label) -> Bool {
        segment((line.x1, line.y1), (line.x2, line.y2), meets: label)
    }
}
