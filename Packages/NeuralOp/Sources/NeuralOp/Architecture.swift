/// How a neural operator arranges time (the three models `neural-op train --arch` builds).
public enum Architecture: String, CaseIterable, Sendable, Codable {
    /// FNO over space with the last T_in frames as channels, predicting the next T_out frames; rolled out one
    /// window of T_out frames at a time (Li et al. 2021, `fourier_2d_time.py`; 1-D on 1-D grids).
    case fno
    /// FNO-3D over (space, t): the T_in input frames as channels, repeated along a time axis of the T_out frames to
    /// predict, plus a time coordinate (`fourier_3d.py`).
    case fno3d
    /// FNOtD: the T_in frames laid along a time axis that the spectral convolution transforms too, mapped to the next
    /// window of T_out = T_in frames (our reconstruction of Jahanmard et al. 2025: its architecture is not public).
    case fnotd

    /// Whether the spectral convolution also transforms a time axis.
    public var spaceTime: Bool { self != .fno }
}
