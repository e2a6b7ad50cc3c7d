using System.Diagnostics;

namespace InferenceGateway.TestSupport.Topology;

/// <summary>Polls for a condition with a generous limit: these tests run on loaded 2-core machines and never assert durations.</summary>
public static class Wait
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(60);

    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, Func<string>? diagnostics = null)
    {
        var limit = timeout ?? Default;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet, or restarting: keep polling.
            }
            catch (TaskCanceledException)
            {
            }

            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"timed out after {limit.TotalSeconds:F0} s waiting for {what}{(diagnostics is null ? string.Empty : "\n" + diagnostics())}");
            }

            await Task.Delay(100);
        }
    }
}
