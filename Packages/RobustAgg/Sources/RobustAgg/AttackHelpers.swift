import Exchange
import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// f copies of one vector.
func tile(_ v: Tensor, _ f: Int) -> Tensor {
    let d = v.count
    var out = Tensor(uninitializedShape: [f, d])
    out.withUnsafeMutableBufferPointer { o in
        v.withUnsafeBufferPointer { p in
            for k in 0..<f { (o.baseAddress! + k * d).update(from: p.baseAddress!, count: d) }
        }
    }
    return out
}

func scaled(_ v: Tensor, _ a: Float) -> Tensor {
    var out = v
    out.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] *= a } }
    return out
}
