using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace InferenceGateway.Topology.Tests.Distribution;

/// <summary>A process (or several, such as a PostgreSQL server's backends) whose CPU a load row accounts for.</summary>
internal sealed record LoadParty(string Name, Func<IReadOnlyList<int>> Pids);

/// <summary>
/// One throughput row: wrk against a URL, and what every party spent on it, read from <c>/proc</c> just before and
/// just after (as bench/run.sh does): CPU per request (utime + stime) and context switches per request of each
/// party, wrk's own CPU, and how busy the whole machine was, so "others" is what processes outside the run took.
/// </summary>
internal sealed partial record LoadRow(double RequestsPerSecond, long Requests, long Errors, IReadOnlyList<(string Name, double CpuUs, double Switches)> Parties, double WrkCpuUs, double MachineBusyCores, double OthersCpuUs)
{
    private static readonly Lazy<int> ClockTicks = new(() =>
    {
        using var getconf = Process.Start(new ProcessStartInfo("getconf", ["CLK_TCK"]) { RedirectStandardOutput = true })!;
        var text = getconf.StandardOutput.ReadToEnd();
        getconf.WaitForExit();
        return int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var ticks) ? ticks : 100;
    });

    /// <summary>Runs wrk (null when it is not installed) with the given arguments and accounts for the parties.</summary>
    public static LoadRow? Measure(IReadOnlyList<string> wrkArguments, IReadOnlyList<LoadParty> parties)
    {
        var pids = parties.Select(p => p.Pids()).ToList();
        var before = pids.Select(Sample).ToList();
        var (machineBusy, machineTotal) = Machine();
        var clock = Stopwatch.StartNew();
        string text;
        try
        {
            // The shell's `times` prints what its children (wrk) spent, in user and system seconds.
            using var wrk = Process.Start(new ProcessStartInfo("bash", ["-c", "wrk \"$@\"; times", "wrk", .. wrkArguments]) { RedirectStandardOutput = true })!;
            text = wrk.StandardOutput.ReadToEnd();
            wrk.WaitForExit();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var after = pids.Select(Sample).ToList();
        var (machineBusyAfter, machineTotalAfter) = Machine();
        if (RequestsRegex().Match(text) is not { Success: true } rate || TotalRegex().Match(text) is not { Success: true } total)
        {
            return null;
        }

        var requests = long.Parse(total.Groups[1].Value, CultureInfo.InvariantCulture);
        var perRequest = 1e6 / ClockTicks.Value / Math.Max(1, requests);
        var rows = parties.Select((p, i) => (p.Name, (after[i].Ticks - before[i].Ticks) * perRequest, (after[i].Switches - before[i].Switches) / (double)Math.Max(1, requests))).ToList();
        var children = TimesRegex().Matches(text) is { Count: >= 2 } times ? Seconds(times[^2]) + Seconds(times[^1]) : 0;
        var wrkCpu = children * 1e6 / Math.Max(1, requests);

        // /proc/stat counts every core's ticks: busy cores = busy ticks over all ticks, times the cores.
        var busyCores = (machineBusyAfter - machineBusy) / (double)Math.Max(1, machineTotalAfter - machineTotal) * Environment.ProcessorCount;
        var machineCpu = busyCores * seconds * 1e6 / Math.Max(1, requests);
        var others = machineCpu - rows.Sum(r => r.Item2) - wrkCpu;
        // Non-2xx answers and socket errors: a row with any is not a measurement of the request path.
        var errors = ErrorsRegex().Matches(text).Sum(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        return new LoadRow(double.Parse(rate.Groups[1].Value, CultureInfo.InvariantCulture), requests, errors, rows, wrkCpu, busyCores, others);
    }

    /// <summary>The CPU per request of the party named <paramref name="name"/>.</summary>
    public double CpuOf(string name) => Parties.First(p => p.Name == name).CpuUs;

    /// <summary>
    /// Waits until every given process has been quiet (under a tenth of a core) for a second, or <paramref name="limit"/>
    /// passed: a row must not start while a process of the run is still starting up or writing a file. Answers how long it waited and whether they were quiet.
    /// </summary>
    public static async Task<(TimeSpan Waited, bool Quiet)> WaitForQuietAsync(IReadOnlyList<LoadParty> parties, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var pids = parties.Select(p => p.Pids()).ToList();
            var before = pids.Select(Sample).ToList();
            await Task.Delay(TimeSpan.FromSeconds(1));
            var after = pids.Select(Sample).ToList();
            if (before.Zip(after).All(x => x.Second.Ticks - x.First.Ticks <= ClockTicks.Value / 10))
            {
                return (clock.Elapsed, true);
            }

            if (clock.Elapsed > limit)
            {
                return (clock.Elapsed, false);
            }
        }
    }

    /// <summary>One line: each party's CPU and context switches per request.</summary>
    public string Describe() =>
        $"{RequestsPerSecond:F0} req/s, {Errors} errors; CPU per request: "
        + string.Join(", ", Parties.Select(p => $"{p.Name} {p.CpuUs:F1} us ({p.Switches:F2} cs)"))
        + $", wrk {WrkCpuUs:F1} us, others {OthersCpuUs:F1} us; machine {MachineBusyCores:F2} of {Environment.ProcessorCount} cores busy";

    private static (long Ticks, long Switches) Sample(IReadOnlyList<int> pids)
    {
        long ticks = 0, switches = 0;
        foreach (var pid in pids)
        {
            try
            {
                // Fields after the command name (which may hold spaces): state is field 3, utime 14 and stime 15.
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
                {
                    foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                    {
                        if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                        {
                            switches += long.Parse(line[(line.IndexOf(':') + 1)..].Trim(), CultureInfo.InvariantCulture);
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process (or one of its threads) ended in between.
            }
        }

        return (ticks, switches);
    }

    private static (long Busy, long Total) Machine()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var total = cpu.Sum();
        return (total - cpu[3] - cpu[4], total); // idle and iowait are not busy
    }

    /// <summary>Processes whose environment contains <paramref name="text"/> (a broker's <c>RABBITMQ_NODENAME=</c>, say).</summary>
    public static IReadOnlyList<int> WithEnvironment(string text) => Processes(environ => environ.Contains(text, StringComparison.Ordinal), _ => true);

    /// <summary>Processes whose name (<c>comm</c>) is <paramref name="name"/>.</summary>
    public static IReadOnlyList<int> Named(string name) => Processes(_ => true, comm => comm == name);

    private static List<int> Processes(Func<string, bool> environ, Func<string, bool> comm)
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                if (comm(File.ReadAllText(Path.Combine(directory, "comm")).Trim()) && environ(File.ReadAllText(Path.Combine(directory, "environ"))))
                {
                    found.Add(pid);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    private static double Seconds(Match m) =>
        int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture) * 60 + double.Parse(m.Groups["s"].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsRegex();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex TotalRegex();

    [GeneratedRegex(@"(?:Non-2xx or 3xx responses|Socket errors: connect|read|write|timeout):? (\d+)")]
    private static partial Regex ErrorsRegex();

    [GeneratedRegex(@"(?<m>\d+)m(?<s>[\d.]+)s")]
    private static partial Regex TimesRegex();
}
