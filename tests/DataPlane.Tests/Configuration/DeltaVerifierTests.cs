using InferenceGateway.Contracts;
using InferenceGateway.DataPlane.Configuration;
using InferenceGateway.DataPlane.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace InferenceGateway.DataPlane.Tests.Configuration;

/// <summary>Which keys a node trusts: those of its snapshot, or only the pinned ones when <c>DataPlane:ConfigSigningKeys</c> is set.</summary>
public sealed class DeltaVerifierTests : IDisposable
{
    private readonly TestDeltaSigner _snapshotKey = new();
    private readonly TestDeltaSigner _pinnedKey = new();
    private readonly NodeConfig _config = new(new FakeTimeProvider(DateTimeOffset.UtcNow), NullLogger<NodeConfig>.Instance);

    public DeltaVerifierTests()
    {
        var (snapshot, _) = SnapshotFactory.Create(revision: 1);
        _config.ApplySnapshot(SnapshotFactory.WithHash(snapshot with { SigningKeys = [_snapshotKey.PublicKey] }), "pull");
    }

    public void Dispose()
    {
        _snapshotKey.Dispose();
        _pinnedKey.Dispose();
    }

    private DeltaVerifier Verifier(params string[] pinned) => new(Options.Create(new DataPlaneOptions { ConfigSigningKeys = [.. pinned] }), _config);

    private ConfigRevisionPublished Delta(TestDeltaSigner signer) => signer.Delta(SnapshotFactory.Epoch, 2, [new BlockLifted { BlockId = Guid.NewGuid() }]);

    [Fact]
    public void WithoutAPin_TheSnapshotsKeyVerifies()
    {
        Assert.NotNull(Verifier().Verify(Delta(_snapshotKey), out _));
        Assert.Null(Verifier().Verify(Delta(_pinnedKey), out var reason));
        Assert.StartsWith("signed with an unknown key", reason);
    }

    [Fact]
    public void WithAPin_OnlyThePinnedKeyVerifies_WhateverTheSnapshotSays()
    {
        var verifier = Verifier(_pinnedKey.PublicKey.PublicKey);

        Assert.NotNull(verifier.Verify(Delta(_pinnedKey), out _));
        Assert.Null(verifier.Verify(Delta(_snapshotKey), out var reason));
        Assert.StartsWith("signed with an unknown key", reason);
    }

    [Fact]
    public void InvalidPin_IsReportedAtStart()
    {
        var result = new DataPlaneOptionsValidator().Validate(null, new DataPlaneOptions
        {
            ControlPlaneUrl = "http://127.0.0.1:1", NodeToken = new string('t', 40), SnapshotKey = Convert.ToBase64String(new byte[32]), ConfigSigningKeys = ["not a key"],
        });

        Assert.True(result.Failed);
        Assert.Contains("DataPlane:ConfigSigningKeys", result.FailureMessage);
    }
}
