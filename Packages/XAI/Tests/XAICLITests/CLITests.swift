import FjordTestSupport
import Testing

@Suite struct XAICLITests {}
