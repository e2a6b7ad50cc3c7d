using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace InferenceGateway.Topology.Tests.Distribution;

/// <summary>One revocation as one node saw it: the test's clock at the revoke call, its answer and the first refusal (UTC).</summary>
internal sealed record PropagationSample(long Revision, int Node, DateTime RevokeStarted, DateTime RevokeAnswered, DateTime Refused)
{
    public double TotalMs => (Refused - RevokeStarted).TotalMilliseconds;
}

/// <summary>
/// Where the time of each revocation goes, from the processes' own Debug timestamps (UTC, microseconds, one line each):
/// the revoke call until its commit (the admin request and transaction), the commit until the relay picked the row
/// (its wake-up and read), the publish
/// with its broker confirm, the broker and the node's consumer dispatch until the node received the message, the
/// node's verify and apply, and the apply until the measurement's next request was refused (its polling).
/// </summary>
internal static partial class PropagationBreakdown
{
    private static readonly string[] Segments = ["revoke call to commit", "commit to relay pick", "publish and confirm", "broker to node consumer", "verify and apply", "apply to first refusal"];

    public static string Describe(IReadOnlyList<PropagationSample> samples, string controlPlaneLog, IReadOnlyList<string> nodeLogs)
    {
        var day = samples[0].RevokeStarted.Date;
        var committed = Times(Committed(), controlPlaneLog, day);
        var picked = Times(RelayPicked(), controlPlaneLog, day);
        var published = Times(RelayPublished(), controlPlaneLog, day);
        var received = nodeLogs.Select(log => Times(NodeReceived(), log, day)).ToList();
        var applied = nodeLogs.Select(log => Times(NodeApplied(), log, day)).ToList();

        var rows = new List<double[]>();
        foreach (var s in samples)
        {
            if (committed.TryGetValue(s.Revision, out var k) && picked.TryGetValue(s.Revision, out var p) && published.TryGetValue(s.Revision, out var c)
                && received[s.Node].TryGetValue(s.Revision, out var r) && applied[s.Node].TryGetValue(s.Revision, out var a))
            {
                rows.Add([(k - s.RevokeStarted).TotalMilliseconds, (p - k).TotalMilliseconds, (c - p).TotalMilliseconds, (r - c).TotalMilliseconds, (a - r).TotalMilliseconds, (s.Refused - a).TotalMilliseconds, s.TotalMs]);
            }
        }

        if (rows.Count == 0)
        {
            return "breakdown: no sample could be matched with the processes' timestamps";
        }

        // The tail: the slowest 5% of samples (at least 3), and what their time was spent on.
        var tail = rows.OrderByDescending(r => r[^1]).Take(Math.Max(3, rows.Count / 20)).ToList();
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"breakdown over {rows.Count} samples (ms; p50 / p99 / mean of the slowest {tail.Count}):\n");
        for (var i = 0; i < Segments.Length; i++)
        {
            var values = rows.Select(r => r[i]).Order().ToList();
            text.Append(CultureInfo.InvariantCulture,
                $"  {Segments[i],-26} {Percentile(values, 0.50),7:F1} / {Percentile(values, 0.99),7:F1} / {tail.Average(r => r[i]),7:F1}\n");
        }

        var answered = samples.Select(s => (s.RevokeAnswered - s.RevokeStarted).TotalMilliseconds).Order().ToList();
        text.Append(CultureInfo.InvariantCulture, $"  (the revoke call itself answered in {Percentile(answered, 0.50):F1} / {Percentile(answered, 0.99):F1})");
        return text.ToString();
    }

    public static double Percentile(IReadOnlyList<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, Math.Max(0, (int)Math.Ceiling(sorted.Count * p) - 1))];

    private static Dictionary<long, DateTime> Times(Regex pattern, string log, DateTime day)
    {
        var times = new Dictionary<long, DateTime>();
        foreach (Match m in pattern.Matches(log))
        {
            var revision = long.Parse(m.Groups["revision"].Value, CultureInfo.InvariantCulture);
            var time = day + TimeSpan.ParseExact(m.Groups["time"].Value, @"hh\:mm\:ss\.ffffff", CultureInfo.InvariantCulture);
            times.TryAdd(revision, time);
        }

        return times;
    }

    [GeneratedRegex(@"^(?<time>\d\d:\d\d:\d\d\.\d{6}) dbug: InferenceGateway\.ControlPlane\.Features\.Configuration\.ConfigPublisher\[3006\] Committed revision (?<revision>\d+)", RegexOptions.Multiline)]
    private static partial Regex Committed();

    [GeneratedRegex(@"^(?<time>\d\d:\d\d:\d\d\.\d{6}) dbug: InferenceGateway\.ControlPlane\.Messaging\.OutboxRelay\[3005\] Relaying ConfigRevisionPublished revision (?<revision>\d+)", RegexOptions.Multiline)]
    private static partial Regex RelayPicked();

    [GeneratedRegex(@"^(?<time>\d\d:\d\d:\d\d\.\d{6}) dbug: InferenceGateway\.ControlPlane\.Messaging\.OutboxRelay\[3000\] Published ConfigRevisionPublished \S+ revision (?<revision>\d+)", RegexOptions.Multiline)]
    private static partial Regex RelayPublished();

    [GeneratedRegex(@"^(?<time>\d\d:\d\d:\d\d\.\d{6}) dbug: InferenceGateway\.DataPlane\.Configuration\.ConfigRevisionConsumer\[104\] Received revision (?<revision>\d+)", RegexOptions.Multiline)]
    private static partial Regex NodeReceived();

    [GeneratedRegex(@"^(?<time>\d\d:\d\d:\d\d\.\d{6}) info: InferenceGateway\.DataPlane\.Configuration\.NodeConfig\[100\] Applied revision (?<revision>\d+) from bus", RegexOptions.Multiline)]
    private static partial Regex NodeApplied();
}
