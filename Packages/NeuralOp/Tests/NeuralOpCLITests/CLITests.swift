import FjordTestSupport
import Testing

@Suite struct NeuralOpCLITests {}
