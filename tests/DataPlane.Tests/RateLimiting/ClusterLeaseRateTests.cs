using InferenceGateway.DataPlane.Cluster;
using InferenceGateway.DataPlane.Hosting;
using InferenceGateway.DataPlane.RateLimiting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace InferenceGateway.DataPlane.Tests.RateLimiting;

/// <summary>
/// The cluster limit's request path on a fake clock and a fake lease store that counts calls and answers after a
/// fixed round trip: at a steady high rate well under the limit nothing is refused and Redis is called about
/// rate / lease size times; over the limit, each window admits the limit and no more.
/// </summary>
public sealed class ClusterLeaseRateTests(ITestOutputHelper output)
{
    private static readonly Guid Tenant = Guid.NewGuid();
    private static readonly Guid Key = Guid.NewGuid();

    [Theory]
    [InlineData(20_000, 2)]
    [InlineData(20_000, 40)]
    [InlineData(2_000, 5)]
    public void SteadyRate_WellUnderTheLimit_NeverRefuses_AndCallsTheStoreAboutRateOverLeaseSizeTimes(int perSecond, int roundTripMs)
    {
        var run = new Run(roundTripMs);
        const int seconds = 10;
        var requests = perSecond * seconds;
        var refused = 0;
        for (var i = 0; i < requests; i++)
        {
            run.Time.Advance(TimeSpan.FromTicks(TimeSpan.TicksPerSecond / perSecond));
            refused += run.Request(perSecond: 1e6, burst: 1_000_000) ? 0 : 1;
        }

        // A lease lasts a quarter of a second (or four round trips): about 4 leases a second per rule, plus the next
        // window's, for each of the two rules.
        var leaseSize = perSecond * Math.Max(ClusterCounter.LeaseHorizonSeconds, 4 * roundTripMs / 1000.0);
        var expected = 2 * ((requests / leaseSize) + seconds);
        output.WriteLine($"{perSecond}/s, round trip {roundTripMs} ms: {requests} requests, refused {refused}, store calls {run.Store.Calls} " +
            $"({run.Store.Calls * 10_000.0 / requests:F1} per 10k requests, about {expected:F0} expected)");
        Assert.Equal(0, refused);
        Assert.InRange(run.Store.Calls, 2 * seconds, 2 * expected);
    }

    [Fact]
    public void SteadyRate_TheRequestPathAllocatesNothing_AndNeverWaitsOnTheStore()
    {
        var run = new Run(roundTripMs: 3);
        for (var i = 0; i < 20_000; i++)
        {
            run.Time.Advance(TimeSpan.FromTicks(TimeSpan.TicksPerSecond / 20_000));
            run.Request(1e6, 1_000_000);
        }

        long allocated = 0;
        var calls = run.Store.Calls;
        for (var i = 0; i < 10_000; i++)
        {
            run.Time.Advance(TimeSpan.FromTicks(TimeSpan.TicksPerSecond / 20_000));
            var before = GC.GetAllocatedBytesForCurrentThread();
            var admitted = run.AdmitOnly(1e6, 1_000_000);
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(admitted);
            run.Pump();
        }

        // The same two rules counted on the node (token buckets), for comparison: one lock per rule as well, no store.
        var local = new InferenceGateway.DataPlane.RateLimiting.RateLimiters();
        long localAllocated = 0;
        for (var i = 0; i < 10_100; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var key = default(LimitDecision);
            local.ForKey(Key, 1e6, 1_000_000).TryAcquire(ref key, out _);
            var tenant = default(LimitDecision);
            local.ForTenant(Tenant, 1e6, 1_000_000).TryAcquire(ref tenant, out _);
            localAllocated += i >= 100 ? GC.GetAllocatedBytesForCurrentThread() - before : 0;
        }

        output.WriteLine($"10k requests, two cluster rules: {allocated} bytes allocated on the request path, {run.Store.Calls - calls} store calls (in the background); " +
            $"two node rules: {localAllocated} bytes, no store calls");
        Assert.Equal(0, allocated);
        Assert.Equal(0, localAllocated);
        Assert.InRange(run.Store.Calls - calls, 1, 20);
    }

    [Fact]
    public void OverTheLimit_EachWindowAdmitsTheLimitAndNoMore()
    {
        var run = new Run(roundTripMs: 2);
        var admittedPerWindow = new Dictionary<long, int>();
        for (var i = 0; i < 5 * 400; i++)
        {
            run.Time.Advance(TimeSpan.FromTicks(TimeSpan.TicksPerSecond / 400));
            if (run.Request(perSecond: 200, burst: 200))
            {
                var window = run.Time.GetUtcNow().ToUnixTimeMilliseconds() / 1000;
                admittedPerWindow[window] = admittedPerWindow.GetValueOrDefault(window) + 1;
            }
        }

        output.WriteLine($"admitted per 1 s window (limit 200, offered 400): {string.Join(", ", admittedPerWindow.Values)}");
        Assert.All(admittedPerWindow.Values, admitted => Assert.InRange(admitted, 0, 202));
        Assert.Contains(admittedPerWindow.Values.Skip(1), admitted => admitted >= 180);
    }

    /// <summary>One node: the limiters, the lease worker, and the fake store, on one fake clock.</summary>
    private sealed class Run
    {
        public Run(int roundTripMs)
        {
            // Without a synchronization context a lease's continuation runs inline when the fake store answers, so
            // every step of the run is in order on this thread (xunit's context would post it to the thread pool).
            SynchronizationContext.SetSynchronizationContext(null);
            Time = new ManualClock(new DateTimeOffset(2026, 12, 1, 12, 0, 0, 321, TimeSpan.Zero).UtcTicks);
            Store = new CountingLeaseStore(Time, TimeSpan.FromMilliseconds(roundTripMs));
            var redis = new RedisConnection(Options.Create(new RedisOptions()), NullLogger<RedisConnection>.Instance);
            var membership = new ClusterMembership(redis, Options.Create(new RedisOptions()), Options.Create(new DataPlaneOptions()), Time);
            Limiters = new ClusterRateLimiters(Store, membership, Time);
            Worker = new ClusterLeaseWorker(Limiters, NullLogger<ClusterLeaseWorker>.Instance);
        }

        public ManualClock Time { get; }

        public CountingLeaseStore Store { get; }

        public ClusterRateLimiters Limiters { get; }

        public ClusterLeaseWorker Worker { get; }

        /// <summary>A request under a key rule and a tenant rule, both cluster-wide, then what the worker and the store do meanwhile.</summary>
        public bool Request(double perSecond, int burst)
        {
            var admitted = AdmitOnly(perSecond, burst);
            Pump();
            return admitted;
        }

        public bool AdmitOnly(double perSecond, int burst)
        {
            var key = default(LimitDecision);
            Limiters.Admit(Key, false, perSecond, burst, RedisDownMode.Local, ref key);
            var tenant = default(LimitDecision);
            Limiters.Admit(Tenant, true, perSecond, burst, RedisDownMode.Local, ref tenant);
            return key.Admitted && tenant.Admitted;
        }

        public void Pump()
        {
            while (Limiters.Asks.TryRead(out var counter))
            {
                _ = Worker.LeaseAsync(counter);
            }

            Store.Deliver();
        }
    }

    /// <summary>rate-lease.lua's arithmetic on the fake clock; each answer arrives one round trip after its call.</summary>
    private sealed class CountingLeaseStore(ManualClock time, TimeSpan roundTrip) : IRateLeaseStore
    {
        private readonly Dictionary<(string Key, long Window), long> _counted = [];
        private readonly List<(DateTimeOffset Due, TaskCompletionSource<LeaseReply> Reply, string Key, ClusterWindow Window, LeaseAsk Ask)> _pending = [];

        public int Calls { get; private set; }

        public bool Enabled => true;

        public bool Healthy => true;

        public string KeyPrefix => "test:";

        public Task<LeaseReply> LeaseAsync(string key, ClusterWindow window, LeaseAsk ask)
        {
            Calls++;
            var reply = new TaskCompletionSource<LeaseReply>();
            _pending.Add((time.GetUtcNow() + roundTrip, reply, key, window, ask));
            return reply.Task;
        }

        public void ReportFailure() => throw new InvalidOperationException("the fake store never fails");

        /// <summary>Answers the calls due by now, as Redis would have counted them half a round trip ago.</summary>
        public void Deliver()
        {
            var now = time.GetUtcNow();
            for (var i = 0; i < _pending.Count; i++)
            {
                var call = _pending[i];
                if (call.Due > now)
                {
                    continue;
                }

                _pending.RemoveAt(i--);
                call.Reply.SetResult(Lease(call.Key, call.Window, call.Ask, (call.Due - (roundTrip / 2)).ToUnixTimeMilliseconds()));
            }
        }

        private LeaseReply Lease(string key, ClusterWindow window, LeaseAsk ask, long nowMs)
        {
            var index = nowMs / window.WindowMs;
            if (ask.Next && ask.Charge == 0 && ((index + 1) * window.WindowMs) - nowMs <= ask.LeadMs)
            {
                index++;
            }

            var used = _counted.GetValueOrDefault((key, index)) + ask.Charge;
            var granted = Math.Max(0, Math.Min(ask.Want, window.Limit - used));
            _counted[(key, index)] = used + granted;
            return new LeaseReply(index, granted, (index * window.WindowMs) - nowMs, ((index + 1) * window.WindowMs) - nowMs, used + granted);
        }
    }

    /// <summary>
    /// A fake clock that only moves when told to and allocates nothing when read (FakeTimeProvider checks its timers on
    /// every read, which would count against the request path here).
    /// </summary>
    private sealed class ManualClock(long utcTicks) : TimeProvider
    {
        private long _ticks = utcTicks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override DateTimeOffset GetUtcNow() => new(_ticks, TimeSpan.Zero);

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
