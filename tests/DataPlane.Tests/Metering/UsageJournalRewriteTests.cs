using InferenceGateway.Contracts;
using InferenceGateway.DataPlane.Hosting;
using InferenceGateway.DataPlane.Metering;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace InferenceGateway.DataPlane.Tests.Metering;

/// <summary>
/// A crash at any step of the journal's rewrite (after a replay that delivered the first batch and then failed)
/// loses nothing and counts nothing twice once the node starts again: the ledger, which applies a batch id once,
/// ends with every batch exactly once, and no temporary file stays behind.
/// </summary>
public sealed class UsageJournalRewriteTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"igw-journal-rewrite-{Guid.NewGuid():N}");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));
    private readonly IOptions<DataPlaneOptions> _node;
    private readonly IOptions<MeteringOptions> _metering = Options.Create(new MeteringOptions());

    public UsageJournalRewriteTests() => _node = Options.Create(new DataPlaneOptions { NodeId = "n1", StateDirectory = _directory });

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    public enum CrashPoint
    {
        /// <summary>The temporary file half written (not flushed, not renamed).</summary>
        WritingTemporary,

        /// <summary>The temporary file on disk, the rename not done.</summary>
        BeforeRename,

        /// <summary>The rename done (the directory flush is what makes it survive a power cut; a process crash keeps it anyway).</summary>
        AfterRename,

        /// <summary>No crash: the rewrite completed.</summary>
        None,
    }

    [Theory]
    [InlineData(CrashPoint.WritingTemporary)]
    [InlineData(CrashPoint.BeforeRename)]
    [InlineData(CrashPoint.AfterRename)]
    [InlineData(CrashPoint.None)]
    public async Task CrashDuringRewrite_NextStart_LosesAndDuplicatesNothing(CrashPoint crash)
    {
        var journal = new UsageJournal(_node, _metering);
        var batches = new[] { Batch(1), Batch(2), Batch(3) };
        foreach (var batch in batches)
        {
            journal.Append(batch);
        }

        // The replay before the crash delivered the first batch, then the bus failed: the rest is to be rewritten.
        var ledger = new Ledger();
        ledger.Apply(batches[0]);
        switch (crash)
        {
            case CrashPoint.WritingTemporary:
                journal.WriteTemporary(batches[1..]);
                using (var half = new FileStream(journal.TemporaryPath, FileMode.Open))
                {
                    half.SetLength(half.Length / 2);
                }

                break;
            case CrashPoint.BeforeRename:
                journal.WriteTemporary(batches[1..]);
                break;
            case CrashPoint.AfterRename:
                journal.WriteTemporary(batches[1..]);
                File.Move(journal.TemporaryPath, journal.FilePath, overwrite: true);
                break;
            case CrashPoint.None:
                journal.Rewrite(batches[1..]);
                break;
        }

        // The next start: a new journal and reporter over the same directory, the bus up.
        var restarted = new UsageJournal(_node, _metering);
        restarted.Recover();
        Assert.False(File.Exists(restarted.TemporaryPath));
        var reporter = new UsageReporter(ledger, new UsageMeter(_time), restarted, _metering, _node, _time, NullLogger<UsageReporter>.Instance);
        await reporter.ReportAsync(CancellationToken.None);

        Assert.Equal(batches.Select(b => b.BatchId).Order(), ledger.Applied.Keys.Order());
        Assert.Equal(1 + 2 + 3, ledger.Applied.Values.Sum());
        Assert.All(ledger.Deliveries, d => Assert.Contains(d, batches.Select(b => b.BatchId)));
        Assert.False(restarted.HasEntries);
        Assert.Empty(Directory.GetFiles(_directory));
    }

    [Fact]
    public void Recover_OnAFirstStart_WithoutTheStateDirectory_FindsNothingToDo()
    {
        var journal = new UsageJournal(_node, _metering);

        Assert.Equal(0, journal.Recover());
        Assert.False(journal.HasEntries);
    }

    [Fact]
    public void Rewrite_KeepsTheRemainingBatchesInOrder_AndNoTemporaryFile()
    {
        var journal = new UsageJournal(_node, _metering);
        var batches = new[] { Batch(1), Batch(2), Batch(3) };
        foreach (var batch in batches)
        {
            journal.Append(batch);
        }

        journal.Rewrite(batches[1..]);

        Assert.Equal(batches[1..].Select(b => b.BatchId), journal.ReadAll(out var unreadable).Select(b => b.BatchId));
        Assert.Equal(0, unreadable);
        Assert.False(File.Exists(journal.TemporaryPath));
    }

    private UsageReported Batch(long requests) => new()
    {
        BatchId = Guid.CreateVersion7(),
        NodeId = "n1",
        CreatedAt = _time.GetUtcNow(),
        Cells =
        [
            new UsageCell
            {
                TenantId = Guid.NewGuid(), CredentialId = "k1", CredentialKind = "api-key", Model = "chat", Minute = _time.GetUtcNow(),
                Requests2xx = requests, LatencyBuckets = [requests, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            },
        ],
    };

    /// <summary>The control plane's ledger as the node sees it: every delivery accepted, a batch id applied once.</summary>
    private sealed class Ledger : IUsagePublisher
    {
        public Dictionary<Guid, long> Applied { get; } = [];

        public List<Guid> Deliveries { get; } = [];

        public void Apply(UsageReported batch) => Applied.TryAdd(batch.BatchId, batch.Cells.Sum(c => c.Requests2xx));

        public Task PublishAsync(UsageReported batch, CancellationToken cancellationToken)
        {
            Deliveries.Add(batch.BatchId);
            Apply(batch);
            return Task.CompletedTask;
        }
    }
}
