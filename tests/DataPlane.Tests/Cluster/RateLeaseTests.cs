using System.Diagnostics;
using InferenceGateway.DataPlane.RateLimiting;
using StackExchange.Redis;

namespace InferenceGateway.DataPlane.Tests.Cluster;

/// <summary>The lease script against the shared Redis (6379), each test under a key prefix of its own; and the node-side lease logic.</summary>
public sealed class RateLeaseTests : IAsyncLifetime
{
    private readonly string _prefix = $"igwtest:{Guid.NewGuid():N}:";
    private ConnectionMultiplexer _redis = null!;

    private IDatabase Db => _redis.GetDatabase();

    public async Task InitializeAsync() => _redis = await ConnectionMultiplexer.ConnectAsync("127.0.0.1:6379");

    public async Task DisposeAsync()
    {
        var server = _redis.GetServer(_redis.GetEndPoints()[0]);
        await foreach (var key in server.KeysAsync(pattern: _prefix + "*"))
        {
            await Db.KeyDeleteAsync(key);
        }

        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Script_ThreeNodesAskingAtOnce_GrantExactlyTheLimitAndNoMore()
    {
        var window = new ClusterWindow(100, ClusterWindow.MaxWindowMs);
        await AvoidWindowEdgeAsync(window);
        var key = _prefix + "exact";

        var replies = await Task.WhenAll(Enumerable.Range(0, 3 * 40).Select(_ => RedisRateLeaseStore.LeaseAsync(Db, key, window, new LeaseAsk(7, false, 0))));

        Assert.Equal(100, replies.Sum(r => r.Granted));
        Assert.All(replies, r => Assert.InRange(r.Granted, 0, 7));
        Assert.Equal(100, replies.Max(r => r.Counted));
        Assert.Single(replies.Select(r => r.Window).Distinct());
        Assert.All(replies, r => Assert.True(r.MsUntilStart <= 0 && r.MsUntilEnd > 0));
    }

    [Fact]
    public async Task Script_Credit_IsCountedEvenInAFullWindow_AndGrantsNothingMore()
    {
        var window = new ClusterWindow(5, ClusterWindow.MaxWindowMs);
        await AvoidWindowEdgeAsync(window);
        var key = _prefix + "credit";

        var first = await RedisRateLeaseStore.LeaseAsync(Db, key, window, new LeaseAsk(5, false, 0));
        var charged = await RedisRateLeaseStore.LeaseAsync(Db, key, window, new LeaseAsk(3, false, 1));

        Assert.Equal(5, first.Granted);
        Assert.Equal(0, charged.Granted);
        Assert.Equal(6, charged.Counted);
        Assert.Equal("6", (string?)await Db.HashGetAsync(key, charged.Window.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(await Db.KeyTimeToLiveAsync(key) is not null, "a limit's windows expire by themselves");
    }

    [Fact]
    public async Task Script_NextWindowAskedNearTheEnd_LeasesTheNextWindow()
    {
        var window = new ClusterWindow(10, 1000);
        var key = _prefix + "next";

        // A lead as long as the window: "near the end" always holds, so the script leases the next window.
        var result = (RedisResult[])(await RedisRateLeaseStore.Script.EvaluateAsync(Db, [key], [10, 1000, 4, 0, "1", 1000]))!;
        var current = await RedisRateLeaseStore.LeaseAsync(Db, key, window, new LeaseAsk(1, false, 0));

        Assert.Equal(4, (long)result[1]);
        Assert.True((long)result[2] > 0, "the next window has not started yet");
        Assert.True((long)result[0] == current.Window + 1 || (long)result[0] == current.Window, "the leased window is the one after the current (or the current, if it turned meanwhile)");
    }

    [Fact]
    public async Task Counters_ThreeNodesTakingFromLeases_AdmitExactlyTheLimitInAWindow()
    {
        var window = new ClusterWindow(50, ClusterWindow.MaxWindowMs);
        await AvoidWindowEdgeAsync(window);
        var key = _prefix + "nodes";
        var nodes = Enumerable.Range(0, 3).Select(_ => new ClusterCounter(key, window, Stopwatch.Frequency)).ToArray();

        var admitted = 0;
        var refused = 0;
        for (var i = 0; i < 300; i++)
        {
            var node = nodes[i % 3];
            var decision = default(LimitDecision);
            node.TryAdmit(Stopwatch.GetTimestamp(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 3, ref decision, out var wantsLease);
            _ = decision.Admitted ? admitted++ : refused++;
            Assert.Equal(50, decision.Limit);
            if (wantsLease)
            {
                // What the lease worker does, here in line so the test is deterministic.
                var sent = Stopwatch.GetTimestamp();
                var ask = node.PrepareAsk(sent);
                node.Apply(ask, await RedisRateLeaseStore.LeaseAsync(Db, key, window, ask), sent, Stopwatch.GetTimestamp());
            }
        }

        var counted = (long)await Db.HashGetAsync(key, (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / window.WindowMs).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(50, admitted + nodes.Sum(n => n.Available));
        Assert.True(admitted >= 45, $"admitted {admitted}: only units still leased to a node go unused");
        Assert.Equal(50, counted);
        Assert.Equal(300 - admitted, refused);
    }

    [Fact]
    public void Lease_GrowsWithTheNodesRate_UpToATenthOfTheWindow()
    {
        var window = new ClusterWindow(1000, 1000);
        var counter = new ClusterCounter(_prefix + "size", window, Stopwatch.Frequency);
        var start = Stopwatch.GetTimestamp();
        var first = counter.PrepareAsk(start);
        for (var i = 0; i < 5000; i++)
        {
            var decision = default(LimitDecision);
            counter.TryAdmit(start, 0, 1, ref decision, out _);
        }

        // 5000 requests in 10 ms: far above what a tenth of the window allows.
        var second = counter.PrepareAsk(start + (Stopwatch.Frequency / 100));

        Assert.Equal(1, first.Want);
        Assert.Equal(ClusterCounter.LeaseCap(1000), second.Want);
        Assert.Equal(100, ClusterCounter.LeaseCap(1000));
    }

    [Fact]
    public void Credit_WithoutALeaseYet_AdmitsOnePercentOfTheLimitOverTheLiveNodes_ThenWaitsForTheLease()
    {
        var counter = new ClusterCounter(_prefix + "credit-only", new ClusterWindow(1000, 1000), Stopwatch.Frequency);
        var now = Stopwatch.GetTimestamp();
        var admitted = 0;
        var asks = 0;
        for (var i = 0; i < 50; i++)
        {
            var decision = default(LimitDecision);
            counter.TryAdmit(now, 0, 1, ref decision, out var wantsLease);
            admitted += decision.Admitted ? 1 : 0;
            asks += wantsLease ? 1 : 0;
        }

        // The lease is on its way (asked once): 10 of the 1000 go through on credit, and the ask charges them.
        Assert.Equal(10, admitted);
        Assert.Equal(1, asks);
        Assert.Equal(10, counter.PrepareAsk(now).Charge);
        Assert.Equal(1, ClusterCounter.CreditFor(50, 1, cold: true));
        Assert.Equal(0, ClusterCounter.CreditFor(100, 3, cold: false));
        Assert.Equal(1, ClusterCounter.CreditFor(100, 3, cold: true));
    }

    [Fact]
    public void LocalMode_EachNodeAdmitsItsFairShareOfAWindow()
    {
        var counter = new ClusterCounter(_prefix + "local", new ClusterWindow(30, 1000), Stopwatch.Frequency);
        var admitted = 0;
        for (var i = 0; i < 50; i++)
        {
            var decision = default(LimitDecision);
            counter.TryAdmitLocal(5_000, liveNodes: 3, ref decision);
            admitted += decision.Admitted ? 1 : 0;
        }

        var next = default(LimitDecision);
        counter.TryAdmitLocal(6_000, liveNodes: 3, ref next);

        Assert.Equal(10, admitted);
        Assert.True(next.Admitted, "the next window starts over");
        Assert.Equal(10, next.Limit);
    }

    [Theory]
    [InlineData(10, 20, 20, 2000)]
    [InlineData(100, 100, 100, 1000)]
    [InlineData(1000, 10, 1000, 1000)]
    [InlineData(0.01, 10, 10, 1_000_000)]
    [InlineData(0.001, 10, 3, 3_600_000)]
    public void Window_FromRateAndBurst(double perSecond, int burst, long limit, long windowMs)
    {
        Assert.Equal(new ClusterWindow(limit, windowMs), ClusterWindow.For(perSecond, burst));
    }

    /// <summary>Waits out the last seconds of a window, so a test's asks all land in one.</summary>
    private async Task AvoidWindowEdgeAsync(ClusterWindow window)
    {
        var time = await Db.ExecuteAsync("TIME");
        var parts = (RedisResult[])time!;
        var nowMs = (long.Parse((string)parts[0]!, System.Globalization.CultureInfo.InvariantCulture) * 1000)
            + (long.Parse((string)parts[1]!, System.Globalization.CultureInfo.InvariantCulture) / 1000);
        var left = window.WindowMs - (nowMs % window.WindowMs);
        if (left < 5000)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(left + 50));
        }
    }
}
