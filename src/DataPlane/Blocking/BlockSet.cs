using System.Collections.Frozen;
using System.Net;
using InferenceGateway.Contracts.Snapshots;

namespace InferenceGateway.DataPlane.Blocking;

/// <summary>Temporary blocks by key, client network or tenant, each until its expiry.</summary>
internal sealed class BlockSet
{
    public static readonly BlockSet Empty = new([]);

    private readonly FrozenDictionary<Guid, DateTimeOffset> _keys;
    private readonly FrozenDictionary<Guid, DateTimeOffset> _tenants;
    private readonly (IPNetwork Network, DateTimeOffset Until)[] _networks;

    public BlockSet(IReadOnlyList<BlockSnapshot> blocks)
    {
        Items = blocks;
        _keys = Latest(blocks.Where(b => b.Target == BlockTarget.Key));
        _tenants = Latest(blocks.Where(b => b.Target == BlockTarget.Tenant));
        _networks = blocks.Where(b => b.Target == BlockTarget.Network).Select(b => (ParseNetwork(b.Value)!.Value, b.ExpiresAt)).ToArray();
        IsEmpty = blocks.Count == 0;
    }

    public IReadOnlyList<BlockSnapshot> Items { get; }

    public bool IsEmpty { get; }

    /// <summary>Why a block value cannot be read, or null when it can.</summary>
    public static string? Invalid(BlockSnapshot block) => block.Target switch
    {
        BlockTarget.Key or BlockTarget.Tenant => Guid.TryParse(block.Value, out _) ? null : $"block {block.BlockId}: '{block.Value}' is not an id",
        BlockTarget.Network => ParseNetwork(block.Value) is null ? $"block {block.BlockId}: '{block.Value}' is not a network" : null,
        _ => $"block {block.BlockId}: unknown target",
    };

    public BlockSet With(BlockSnapshot block, DateTimeOffset now) =>
        new(Items.Where(b => b.BlockId != block.BlockId && b.ExpiresAt > now).Append(block).ToList());

    public bool IsKeyBlocked(Guid keyId, DateTimeOffset now) => !IsEmpty && _keys.TryGetValue(keyId, out var until) && until > now;

    public bool IsTenantBlocked(Guid tenantId, DateTimeOffset now) => !IsEmpty && _tenants.TryGetValue(tenantId, out var until) && until > now;

    public bool IsNetworkBlocked(IPAddress? client, DateTimeOffset now)
    {
        if (_networks.Length == 0 || client is null)
        {
            return false;
        }

        var address = client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client;
        foreach (var (network, until) in _networks)
        {
            if (until > now && network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    private static FrozenDictionary<Guid, DateTimeOffset> Latest(IEnumerable<BlockSnapshot> blocks) =>
        blocks.GroupBy(b => Guid.Parse(b.Value)).ToFrozenDictionary(g => g.Key, g => g.Max(b => b.ExpiresAt));

    private static IPNetwork? ParseNetwork(string value) =>
        IPNetwork.TryParse(value, out var network) ? network
        : IPAddress.TryParse(value, out var address) ? new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)
        : null;
}
