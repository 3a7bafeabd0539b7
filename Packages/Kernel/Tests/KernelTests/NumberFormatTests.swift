import Kernel
import Testing

@Suite struct NumberFormatTests {
    /// The four styles on hand-made values; `fixed` against C printf's known answers (half to even on the exact
    /// binary value: 0.125 is exact and rounds to 0.12; 2.675 is 2.67499999… and rounds down).
    @Test func styles() {
        #expect(
            NumberFormat.significant(0.1234567) == "0.123457" && NumberFormat.significant(1.23456e-5) == "1.2346e-5")
        #expect(NumberFormat.significant(-3) == "-3" && NumberFormat.significant(.nan) == "nan")
        #expect(NumberFormat.rounded(0.96664, 4) == "0.9666" && NumberFormat.rounded(13, 2) == "13.0")
        #expect(NumberFormat.fixed(0.125, 2) == "0.12" && NumberFormat.fixed(2.675, 2) == "2.67")
        #expect(NumberFormat.fixed(-1.5, 0) == "-2" && NumberFormat.fixed(1e20, 1) == "100000000000000000000.0")
        #expect(NumberFormat.fixed(.infinity, 2) == "nan")
        #expect(
            NumberFormat.short(10) == "10" && NumberFormat.short(0.1) == "0.1"
                && NumberFormat.short(1e10) == "10000000000.0")
    }
}
