using System.Globalization;
using System.Text;

namespace InferenceGateway.Topology.Tests.Distribution;

/// <summary>
/// One revocation as one node saw it, by the test's clock (UTC): the revoke call, its answer, when the request the
/// node refused was sent and answered, and how many requests that node was sent in all.
/// </summary>
internal sealed record PropagationSample(int Node, DateTime RevokeStarted, DateTime RevokeAnswered, DateTime Refused, DateTime RefusedSent, int Polls)
{
    public double TotalMs => (Refused - RevokeStarted).TotalMilliseconds;
}

/// <summary>
/// Where the time of each revocation goes, from the processes' propagation timelines (<c>Diagnostics:PropagationTimelinePath</c>:
/// points recorded in memory and written in the background, UTC to the microsecond, with the process's GC pause so far),
/// lined up with the test's own clock: a sample's revision is the one whose admin request reached the control plane
/// while the sample's revoke call was open (the machine's one clock; asking the control plane between revocations
/// would compile a snapshot there each time).
/// </summary>
internal static class PropagationBreakdown
{
    private static readonly (string Name, string Group)[] Segments =
    [
        ("client to server", "revoke call to commit"),
        ("auth, routing, read key", "revoke call to commit"),
        ("begin, next revision", "revoke call to commit"),
        ("serialize, sign, save", "revoke call to commit"),
        ("commit", "revoke call to commit"),
        ("relay wake-up", "commit to relay pick"),
        ("relay reads the row", "commit to relay pick"),
        ("publish and confirm", "publish and confirm"),
        ("broker to node consumer", "broker to node consumer"),
        ("verify and apply", "verify and apply"),
        ("apply to refused request sent", "apply to first refusal"),
        ("refused request round trip", "apply to first refusal"),
    ];

    public static string Describe(IReadOnlyList<PropagationSample> samples, string controlPlaneTimeline, IReadOnlyList<string> nodeTimelines)
    {
        var day = samples[0].RevokeStarted.Date;
        var cp = Parse(controlPlaneTimeline, day);
        var nodes = nodeTimelines.Select(t => Parse(t, day)).ToList();

        var requests = cp.Where(r => r.Value.ContainsKey("RequestStarted")).Select(r => (Revision: r.Key, At: r.Value["RequestStarted"].At)).ToList();
        var rows = new List<double[]>();
        var gc = new List<double>();
        foreach (var s in samples)
        {
            var revision = requests.Where(r => r.At >= s.RevokeStarted && r.At <= s.RevokeAnswered).Select(r => r.Revision).DefaultIfEmpty(-1).First();
            if (cp.TryGetValue(revision, out var c) && nodes[s.Node].TryGetValue(revision, out var n)
                && c.Has("RequestStarted", "CommitStarted", "RevisionTaken", "Saved", "Committed", "RelayWoken", "RelayRead", "RelayConfirmed") && n.Has("NodeReceived", "NodeApplied"))
            {
                DateTime[] t = [s.RevokeStarted, c["RequestStarted"].At, c["CommitStarted"].At, c["RevisionTaken"].At, c["Saved"].At, c["Committed"].At, c["RelayWoken"].At,
                    c["RelayRead"].At, c["RelayConfirmed"].At, n["NodeReceived"].At, n["NodeApplied"].At, s.RefusedSent, s.Refused];
                rows.Add([.. Enumerable.Range(0, Segments.Length).Select(i => (t[i + 1] - t[i]).TotalMilliseconds), s.TotalMs]);
                gc.Add(c["Committed"].GcMs - c["RequestStarted"].GcMs);
            }
        }

        if (rows.Count == 0)
        {
            return "breakdown: no sample could be matched with the processes' timelines";
        }

        // The tail: the slowest 5% of samples (at least 3), and what their time was spent on.
        var tail = rows.OrderByDescending(r => r[^1]).Take(Math.Max(3, rows.Count / 20)).ToList();
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"breakdown over {rows.Count} samples (ms; p50 / p99 / mean of the slowest {tail.Count}):\n");
        string? group = null;
        for (var i = 0; i < Segments.Length; i++)
        {
            if (Segments[i].Group != group)
            {
                group = Segments[i].Group;
                var members = Enumerable.Range(0, Segments.Length).Where(j => Segments[j].Group == group).ToList();
                Line(text, group, rows.Select(r => members.Sum(j => r[j])).ToList(), tail.Average(r => members.Sum(j => r[j])), "");
            }

            Line(text, Segments[i].Name, rows.Select(r => r[i]).ToList(), tail.Average(r => r[i]), "    ");
        }

        var answered = samples.Select(s => (s.RevokeAnswered - s.RevokeStarted).TotalMilliseconds).ToList();
        Line(text, "(the revoke call answered)", answered, double.NaN, "");
        Line(text, "(control-plane GC pause in the admin call)", gc, double.NaN, "");
        Line(text, "(requests sent to a node per sample)", samples.Select(s => (double)s.Polls).ToList(), double.NaN, "");
        return text.ToString().TrimEnd('\n');
    }

    public static double Percentile(IReadOnlyList<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, Math.Max(0, (int)Math.Ceiling(sorted.Count * p) - 1))];

    private static void Line(StringBuilder text, string name, List<double> values, double tail, string indent)
    {
        values.Sort();
        text.Append(CultureInfo.InvariantCulture, $"  {indent + name,-44} {Percentile(values, 0.50),7:F1} / {Percentile(values, 0.99),7:F1}");
        text.Append(double.IsNaN(tail) ? "\n" : string.Create(CultureInfo.InvariantCulture, $" / {tail,7:F1}\n"));
    }

    /// <summary>Each revision's points (the first of each name), from lines <c>HH:mm:ss.ffffff point revision gc-pause-ms</c>.</summary>
    private static Dictionary<long, Points> Parse(string timeline, DateTime day)
    {
        var revisions = new Dictionary<long, Points>();
        foreach (var line in timeline.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(' ');
            if (parts.Length != 4 || !TimeSpan.TryParseExact(parts[0], @"hh\:mm\:ss\.ffffff", CultureInfo.InvariantCulture, out var time)
                || !long.TryParse(parts[2], CultureInfo.InvariantCulture, out var revision) || !double.TryParse(parts[3], CultureInfo.InvariantCulture, out var gcMs))
            {
                continue;
            }

            if (!revisions.TryGetValue(revision, out var points))
            {
                revisions[revision] = points = new Points();
            }

            points.TryAdd(parts[1], (day + time, gcMs));
        }

        return revisions;
    }

    private sealed class Points : Dictionary<string, (DateTime At, double GcMs)>
    {
        public bool Has(params string[] names) => names.All(ContainsKey);
    }
}
