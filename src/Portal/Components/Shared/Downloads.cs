using InferenceGateway.Contracts.Admin;
using Microsoft.JSInterop;

namespace InferenceGateway.Portal.Components.Shared;

/// <summary>Hands a document the API answered to the browser as a file download, its bytes unchanged.</summary>
internal static class Downloads
{
    public static async Task SaveAsync(IJSRuntime js, ApiDocument document)
    {
        using var stream = new MemoryStream(document.Content, writable: false);
        using var reference = new DotNetStreamReference(stream, leaveOpen: false);
        await js.InvokeVoidAsync("igwPortal.downloadStream", document.FileName, document.ContentType, reference);
    }
}
