using InferenceGateway.Contracts;
using InferenceGateway.DataPlane.Configuration;
using InferenceGateway.DataPlane.Hosting;
using InferenceGateway.DataPlane.Metering;
using InferenceGateway.DataPlane.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace InferenceGateway.DataPlane.Tests.Metering;

/// <summary>Batches the bus refuses go to the journal and are replayed in order, with their ids, before newer ones.</summary>
public sealed class UsageReporterTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"igw-journal-{Guid.NewGuid():N}");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));
    private readonly FlakyPublisher _bus = new();
    private readonly UsageMeter _meter;
    private readonly UsageJournal _journal;
    private readonly UsageReporter _reporter;

    public UsageReporterTests()
    {
        _meter = new UsageMeter(_time);
        var node = Options.Create(new DataPlaneOptions { NodeId = "n1", StateDirectory = _directory });
        var metering = Options.Create(new MeteringOptions());
        _journal = new UsageJournal(node, metering);
        _reporter = new UsageReporter(_bus, _meter, _journal, metering, node, _time, NullLogger<UsageReporter>.Instance);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static readonly Guid Tenant = Guid.NewGuid();
    private static readonly Guid Key = Guid.NewGuid();

    private void Serve(int requests)
    {
        for (var i = 0; i < requests; i++)
        {
            var request = new GatewayRequest { RequestId = "r", StartTimestamp = 0, Metered = true, BytesIn = 10 };
            request.Caller = new InferenceGateway.DataPlane.Authentication.Caller { TenantId = Tenant, CredentialId = Key, PublicId = "p", Kind = InferenceGateway.DataPlane.Authentication.CredentialKind.ApiKey, Plan = Plan };
            request.Route = RouteFor("chat");
            _meter.Record(request, 200, TimeSpan.FromMilliseconds(30).Ticks, 5);
        }
    }

    private static readonly PlanEntry Plan = new(new Contracts.Snapshots.PlanSnapshot
    {
        PlanId = Guid.NewGuid(), Name = "p", RequestsPerSecondPerKey = 1, BurstPerKey = 1, RequestsPerSecondPerTenant = 1, BurstPerTenant = 1, MaxRequestBodyBytes = 1,
    });

    private static RouteEntry RouteFor(string model) => new(new Contracts.Snapshots.RouteSnapshot
    {
        TenantId = Tenant, EndpointId = Guid.NewGuid(), TenantSlug = "acme", Model = model, BaseUrl = "http://127.0.0.1:1", TimeoutSeconds = 30,
    });

    [Fact]
    public async Task BusDown_BatchesGoToTheJournal_ThenReplayInOrderWithTheirIds_BeforeNewOnes()
    {
        _bus.Failing = true;
        Serve(2);
        await _reporter.ReportAsync(CancellationToken.None);
        Serve(3);
        await _reporter.ReportAsync(CancellationToken.None);
        await _reporter.ReportAsync(CancellationToken.None); // nothing new: no empty batch

        var journaled = _journal.ReadAll(out var unreadable);
        Assert.Equal(0, unreadable);
        Assert.Equal([2L, 3L], journaled.Select(b => b.Cells.Sum(c => c.Requests2xx)));

        _bus.Failing = false;
        Serve(1);
        await _reporter.ReportAsync(CancellationToken.None);

        Assert.Equal([journaled[0].BatchId, journaled[1].BatchId], _bus.Published.Take(2).Select(b => b.BatchId));
        Assert.Equal([2L, 3L, 1L], _bus.Published.Select(b => b.Cells.Sum(c => c.Requests2xx)));
        Assert.False(_journal.HasEntries);
        var cell = _bus.Published[0].Cells.Single();
        Assert.Equal((Tenant, Key.ToString(), "api-key", "chat", 20L, 10L), (cell.TenantId, cell.CredentialId, cell.CredentialKind, cell.Model, cell.BytesIn, cell.BytesOut));
        Assert.Equal(2, cell.LatencyBuckets[1]); // 30 ms: above 25, up to 50
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero), cell.Minute);
    }

    [Fact]
    public async Task ReplayFailingHalfway_KeepsTheRestInOrder()
    {
        _bus.Failing = true;
        for (var i = 1; i <= 3; i++)
        {
            Serve(i);
            await _reporter.ReportAsync(CancellationToken.None);
        }

        _bus.Failing = false;
        _bus.FailAfter = 1;
        await _reporter.ReportAsync(CancellationToken.None);

        Assert.Equal([1L], _bus.Published.Select(b => b.Cells.Sum(c => c.Requests2xx)));
        Assert.Equal([2L, 3L], _journal.ReadAll(out _).Select(b => b.Cells.Sum(c => c.Requests2xx)));
    }

    [Fact]
    public void Recover_CutsAHalfWrittenLastLine_SoTheNextAppendIsReadable()
    {
        var batch = new UsageReported { BatchId = Guid.NewGuid(), NodeId = "n1", CreatedAt = _time.GetUtcNow(), Cells = [] };
        _journal.Append(batch);
        File.AppendAllText(_journal.FilePath, "{\"batchId\":\"half");

        Assert.True(_journal.Recover() > 0);
        _journal.Append(batch with { BatchId = Guid.NewGuid() });

        Assert.Equal(2, _journal.ReadAll(out var unreadable).Count);
        Assert.Equal(0, unreadable);
    }

    [Fact]
    public async Task RequestsAcrossAMinuteBoundary_LandInTheirOwnMinutes()
    {
        _time.SetUtcNow(new DateTimeOffset(2026, 12, 1, 10, 0, 59, TimeSpan.Zero));
        Serve(2);
        _time.Advance(TimeSpan.FromSeconds(2));
        Serve(1);
        await _reporter.ReportAsync(CancellationToken.None);

        var cells = _bus.Published.Single().Cells.OrderBy(c => c.Minute).ToList();
        Assert.Equal([(10, 0, 2L), (10, 1, 1L)], cells.Select(c => (c.Minute.Hour, c.Minute.Minute, c.Requests2xx)));
    }

    private sealed class FlakyPublisher : IUsagePublisher
    {
        public bool Failing { get; set; }

        /// <summary>Succeeds this many more times, then fails.</summary>
        public int? FailAfter { get; set; }

        public List<UsageReported> Published { get; } = [];

        public Task PublishAsync(UsageReported batch, CancellationToken cancellationToken)
        {
            if (Failing || FailAfter == 0)
            {
                throw new TimeoutException("broker unreachable");
            }

            FailAfter--;
            Published.Add(batch);
            return Task.CompletedTask;
        }
    }
}
