/// Counts in sentences: `1 layer`, `2 layers`, `1 finding`.
public enum Plural {
    /// `count` and the noun, plural unless the count is one (`plural` for irregular nouns).
    public static func count(_ count: Int, _ noun: String, plural: String? = nil) -> String {
        "\(count) " + (count == 1 ? noun : plural ?? noun + "s")
    }
}
