namespace InferenceGateway.DataPlane.RateLimiting;

/// <summary>
/// How a plan's rate and burst become a cluster-wide fixed window: the window lasts burst / rate seconds (from 1 s
/// to 1 hour) and holds rate x window requests, so the average rate is the plan's and no window admits more than
/// the burst (or the rate's one-second worth, when the burst is smaller than that).
/// </summary>
internal readonly record struct ClusterWindow(long Limit, long WindowMs)
{
    public const long MinWindowMs = 1000;
    public const long MaxWindowMs = 3_600_000;

    public static ClusterWindow For(double perSecond, int burst)
    {
        var windowMs = (long)Math.Round(Math.Clamp(burst / perSecond, MinWindowMs / 1000.0, MaxWindowMs / 1000.0) * 1000);
        var limit = Math.Max(1, (long)Math.Floor((perSecond * windowMs / 1000.0) + 1e-9));
        return new ClusterWindow(limit, windowMs);
    }
}
