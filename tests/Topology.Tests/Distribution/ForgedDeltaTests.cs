using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using InferenceGateway.Contracts;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.Security.Keys;
using InferenceGateway.TestSupport;
using InferenceGateway.TestSupport.Topology;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace InferenceGateway.Topology.Tests.Distribution;

/// <summary>
/// Someone holding a node's broker credentials publishes a delta that adds a key of their own. The broker lets
/// the node user reach the nodes' queues, but every node refuses the delta, and the real change with that
/// revision number still applies.
/// </summary>
public sealed class ForgedDeltaTests : IAsyncLifetime
{
    private GatewayTopology _topology = null!;
    private RecordingUpstream _upstream = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TopologyFixture.UpstreamAsync("forged-delta");
        _topology = await TopologyFixture.StartAsync("forged-delta");
    }

    public async Task DisposeAsync()
    {
        await _topology.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task DeltaForgedWithANodesBrokerCredentials_IsRefusedByEveryNode_AndChangesNothing()
    {
        var tenant = await _topology.CreateTenantAsync(_upstream);
        await _topology.WaitForEveryNodeAsync(tenant.Path(), tenant.Key, HttpStatusCode.OK, "the key to work on every node");
        var fleet = await _topology.FleetAsync();
        var revision = await _topology.CurrentRevisionAsync();
        var forgedKey = ApiKeyText.Create(ApiKeyText.NewPublicId());
        var forged = Forge(Guid.Parse((string)fleet.Values.First()["epoch"]!), revision, Guid.Parse(tenant.TenantId), forgedKey);

        var factory = new ConnectionFactory
        {
            HostName = "127.0.0.1",
            Port = _topology.Broker.Port,
            UserName = _topology.Broker.NodeUser,
            Password = _topology.Broker.NodePassword,
        };
        await using (var connection = await factory.CreateConnectionAsync())
        {
            // The config exchange is the control plane's alone: the broker refuses the node user.
            await Assert.ThrowsAnyAsync<OperationInterruptedException>(() =>
                PublishAsync(connection, $"{_topology.Broker.EntityPrefix}-InferenceGateway.Contracts:ConfigRevisionPublished", forged));

            // Each node's own queue is reachable with the node user: the signature is what stops the forgery.
            foreach (var index in Enumerable.Range(0, _topology.NodeCount))
            {
                await PublishAsync(connection, $"{_topology.Broker.EntityPrefix}-igw-dataplane-{TopologySettings.NodeId(index)}", forged);
            }
        }

        // Every node counts and reports the refused message; none serves the forged key.
        await Wait.UntilAsync(async () => (await _topology.FleetAsync()).Values.All(n => (long)n["rejectedMessages"]! >= 1),
            "every node to report the refused delta", diagnostics: _topology.Diagnostics);
        foreach (var node in Enumerable.Range(0, _topology.NodeCount))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await _topology.StatusAsync(node, tenant.Path(), forgedKey));
            Assert.Equal(HttpStatusCode.OK, await _topology.StatusAsync(node, tenant.Path(), tenant.Key));
        }

        // The forgery consumed no revision: the real change numbered like it arrives and applies on every node.
        var real = await _topology.CreateKeyAsync(tenant.TenantId, "the real next revision");
        Assert.Equal(revision + 1, await _topology.CurrentRevisionAsync());
        await _topology.WaitForEveryNodeAsync(tenant.Path(), real.Key, HttpStatusCode.OK, "the real change to apply on every node");
        foreach (var node in Enumerable.Range(0, _topology.NodeCount))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await _topology.StatusAsync(node, tenant.Path(), forgedKey));
        }
    }

    /// <summary>Publishes <paramref name="message"/> in MassTransit's envelope, with a publisher confirm, on a channel of its own.</summary>
    private static async Task PublishAsync(IConnection connection, string exchange, ConfigRevisionPublished message)
    {
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var envelope = new
        {
            messageId = message.MessageId,
            messageType = new[] { "urn:message:InferenceGateway.Contracts:ConfigRevisionPublished" },
            sentTime = DateTimeOffset.UtcNow,
            message,
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(envelope, ContractJson.Options);
        var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", MessageId = message.MessageId.ToString(), DeliveryMode = DeliveryModes.Persistent };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await channel.BasicPublishAsync(exchange, string.Empty, mandatory: false, properties, body, timeout.Token);
    }

    /// <summary>A well-formed delta for the next revision that adds <paramref name="key"/>, signed with a key the control plane never had.</summary>
    private static ConfigRevisionPublished Forge(Guid epoch, long revision, Guid tenantId, string key)
    {
        var delta = new ConfigDelta
        {
            Epoch = epoch,
            FromRevision = revision,
            Revision = revision + 1,
            Changes =
            [
                new ApiKeyChanged
                {
                    Key = new ApiKeySnapshot
                    {
                        KeyId = Guid.NewGuid(),
                        PublicId = ApiKeyText.PublicIdOf(key),
                        TenantId = tenantId,
                        Hash = Convert.ToHexStringLower(ApiKeyText.Hash(key)),
                    },
                },
            ],
        };
        var payload = JsonSerializer.Serialize(delta, ContractJson.Options);
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signature = attacker.SignData(Encoding.UTF8.GetBytes(payload), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return new ConfigRevisionPublished
        {
            MessageId = Guid.NewGuid(),
            Revision = revision + 1,
            Epoch = epoch,
            ChangedAt = DateTimeOffset.UtcNow,
            Kind = ConfigChangeKind.Delta,
            Payload = payload,
            Signature = Convert.ToBase64String(signature),
            SigningKeyId = "forged",
        };
    }
}
