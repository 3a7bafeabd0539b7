/// The version every Fjord tool reports with `--version`.
public let fjordVersion = "0.1.0"
