using InferenceGateway.DataPlane.Cluster;
using InferenceGateway.TestSupport;
using InferenceGateway.TestSupport.Topology;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InferenceGateway.DataPlane.Tests.Cluster;

public sealed class RedisConnectionTests
{
    [Fact]
    public async Task Connection_RedisStoppedAndStarted_LogsOneWarningAndOneRecovery()
    {
        await using var redis = new RedisServer(Path.Combine(Path.GetTempPath(), "igw-redis-tests"));
        await redis.StartAsync();
        var logs = new LogCapture();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        var connection = new RedisConnection(Options.Create(new RedisOptions
        {
            ConnectionString = redis.ConnectionString,
            ConnectTimeout = TimeSpan.FromMilliseconds(300),
            HealthInterval = TimeSpan.FromMilliseconds(100),
        }), factory.CreateLogger<RedisConnection>());
        await connection.StartAsync(CancellationToken.None);
        try
        {
            await WaitUntil(() => connection.IsHealthy, "Redis healthy at first");
            await redis.StopAsync();
            await WaitUntil(() => !connection.IsHealthy, "Redis unhealthy once stopped");

            // Many health checks fail while it is down: still one warning.
            await Task.Delay(1000);
            await redis.StartAsync();
            await WaitUntil(() => connection.IsHealthy, "Redis healthy again");
            Assert.Equal("PONG", (await connection.Database!.ExecuteAsync("PING")).ToString());

            Assert.True(logs.Lines.Count(l => l.Contains("[80", StringComparison.Ordinal)) == 2, string.Join("\n", logs.Lines));
            Assert.Single(logs.Lines, l => l.Contains("[800]", StringComparison.Ordinal));
            Assert.Single(logs.Lines, l => l.Contains("[801]", StringComparison.Ordinal));
            Assert.DoesNotContain(logs.Lines, l => l.Contains(" at StackExchange", StringComparison.Ordinal));
        }
        finally
        {
            await connection.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public void Options_BadValues_NameTheirPaths()
    {
        var result = new RedisOptionsValidator().Validate(null, new RedisOptions
        {
            ConnectionString = ",,,",
            ConnectTimeout = TimeSpan.Zero,
            KeyPrefix = string.Empty,
        });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("DataPlane:Redis:ConnectionString", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("DataPlane:Redis:ConnectTimeout", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("DataPlane:Redis:KeyPrefix", StringComparison.Ordinal));
        Assert.True(new RedisOptionsValidator().Validate(null, new RedisOptions()).Succeeded);
    }

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"timed out waiting for: {what}");
            await Task.Delay(50);
        }
    }
}
