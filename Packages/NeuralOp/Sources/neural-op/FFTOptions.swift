import ArgumentParser
import FjordCLI
import Kernel

#if canImport(Glibc)
    import Glibc
#endif

enum FFTPlanning: String, Choice {
    case measure, estimate
    var help: String {
        switch self {
        case .measure: "FFTW_MEASURE plans, remembered as wisdom in $FJORD_DATA or ~/.cache/fjord (faster transforms)"
        case .estimate: "FFTW_ESTIMATE plans (instant, slower transforms)"
        }
    }
}

/// `--fft`: how the Fourier layers' FFTW plans are made, with the measured ones kept across runs.
struct FFTOptions: ParsableArguments {
    @Option(help: "FFT planning.") var fft = FFTPlanning.measure

    var wisdomPath: String? {
        guard
            let base = getenv("FJORD_DATA").map({ String(cString: $0) })
                ?? getenv("HOME").map({ String(cString: $0) + "/.cache/fjord" })
        else { return nil }
        return base + "/fftw-wisdom"
    }

    /// Runs `body` with the chosen planning; measured plans are saved as wisdom afterwards (best effort).
    func run<R>(_ body: () throws -> R) throws -> R {
        guard fft == .measure else { return try body() }
        FFT.measurePlans()
        if let path = wisdomPath { FFT.importWisdom(from: path) }
        let r = try body()
        if let path = wisdomPath {
            let dir = String(path.prefix(upTo: path.lastIndex(of: "/")!))
            _ = mkdir(dir, 0o755)
            try? FFT.exportWisdom(to: path)
        }
        return r
    }
}
