import CRobust
import Exchange
import Kernel
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A rule defined only from some number of rows on (its bound; `aggregate` refuses fewer with exit 64).
/// MixTailor uses it to draw only among the pool members defined for the stack at hand.
public protocol RowBounded {
    func accepts(rows n: Int) -> Bool
}
