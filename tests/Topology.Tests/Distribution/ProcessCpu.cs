using System.Globalization;
using System.Text;

namespace InferenceGateway.Topology.Tests.Distribution;

/// <summary>
/// CPU time (user + system, from /proc/&lt;pid&gt;/stat) each process of the measurement spent inside the measured
/// windows, summed over windows: who used the two cores while revocations travelled.
/// </summary>
internal sealed class ProcessCpu(IReadOnlyList<(string Name, int Pid)> processes)
{
    private static readonly double TickMs = 1000.0 / 100; // USER_HZ is 100 on Linux
    private readonly double[] _ms = new double[processes.Count];
    private TimeSpan _windows;
    private int _count;

    public long[] Read() => processes.Select(p => Ticks(p.Pid)).ToArray();

    public void Add(long[] before, long[] after, TimeSpan window)
    {
        for (var i = 0; i < _ms.Length; i++)
        {
            _ms[i] += (after[i] - before[i]) * TickMs;
        }

        _windows += window;
        _count++;
    }

    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"  CPU inside the {_count} measured windows ({_windows.TotalMilliseconds:F0} ms of wall time in all; 10 ms ticks), ms per window:");
        for (var i = 0; i < _ms.Length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $" {processes[i].Name} {_ms[i] / Math.Max(1, _count):F1}");
        }

        text.Append(CultureInfo.InvariantCulture, $" (all cores: {2 * _windows.TotalMilliseconds / Math.Max(1, _count):F1})");
        return text.ToString();
    }

    private static long Ticks(int pid)
    {
        try
        {
            // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
