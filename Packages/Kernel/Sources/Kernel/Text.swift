/// Text helpers for reports, shared by the tools and the libraries that write tables.

/// `s` padded with spaces to width `w` (and always one space after).
public func padded(_ s: String, _ w: Int) -> String {
    s.count >= w ? s + " " : s + String(repeating: " ", count: w - s.count)
}
