using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection.KeyManagement;

namespace InferenceGateway.ControlPlane.Hosting;

/// <summary>
/// Says at start, loudly, when the stored Data Protection keys cannot be decrypted with the configured master key
/// (a changed or mistyped <c>ControlPlane:DataProtection:MasterKey</c>): upstream credentials protected by those
/// keys cannot be read, and the endpoints that use them are left out of every snapshot until it is fixed.
/// </summary>
internal sealed partial class KeyRingCheck(IKeyManager keys, ILogger<KeyRingCheck> logger) : IHostedService
{
    public int UnreadableKeys { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var unreadable = 0;
        var all = keys.GetAllKeys();
        foreach (var key in all)
        {
            try
            {
                if (key.CreateEncryptor() is null)
                {
                    unreadable++;
                }
            }
            catch (Exception ex) when (ex is CryptographicException or FormatException or InvalidOperationException)
            {
                unreadable++;
            }
        }

        UnreadableKeys = unreadable;
        if (unreadable > 0)
        {
            LogUnreadable(logger, unreadable, all.Count);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 5, Level = LogLevel.Critical,
        Message = "{Unreadable} of {Total} stored data-protection keys cannot be decrypted with ControlPlane:DataProtection:MasterKey; upstream credentials protected by them are unreadable until the right master key is configured")]
    private static partial void LogUnreadable(ILogger logger, int unreadable, int total);
}
