namespace InferenceGateway.SampleModel;

/// <summary>
/// A public type from this assembly for <c>WebApplicationFactory&lt;SampleModelMarker&gt;</c>; the compiler-generated Program class
/// of the top-level statements is internal and so cannot be named from a test assembly.
/// </summary>
public sealed class SampleModelMarker
{
    private SampleModelMarker()
    {
    }
}