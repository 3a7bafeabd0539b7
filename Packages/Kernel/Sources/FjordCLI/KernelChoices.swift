import ArgumentParser
import Kernel

extension RNG.Distribution: ExpressibleByArgument, Choice {
    public var help: String {
        switch self {
        case .uniform: return "U[0, 1), 24-bit floats"
        case .normal: return "N(0, 1), Box–Muller"
        case .laplace: return "Laplace(0, 1), inverse CDF"
        }
    }
}

extension Colormap: ExpressibleByArgument, Choice {
    public var help: String {
        switch self {
        case .viridis: return "perceptually uniform, dark to light"
        case .coolwarm: return "diverging blue–white–red (Moreland), zero neutral"
        case .gray: return "black to white"
        }
    }
}

extension SVGPlot.Kind: ExpressibleByArgument, Choice {
    public var help: String {
        switch self {
        case .line: return "lines through the points"
        case .scatter: return "points"
        case .bar: return "bars (grouped when several rows)"
        }
    }
}
