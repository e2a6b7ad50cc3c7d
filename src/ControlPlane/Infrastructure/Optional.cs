using System.Text.Json;
using System.Text.Json.Serialization;

namespace InferenceGateway.ControlPlane.Infrastructure;

/// <summary>
/// A PATCH field: tells "absent" (leave as is) apart from "present", including present and null (clear).
/// </summary>
[JsonConverter(typeof(OptionalConverterFactory))]
internal readonly record struct Optional<T>(bool HasValue, T Value) : IOptionalValue
{
    public static Optional<T> Absent => default;

    object? IOptionalValue.BoxedValue => Value;

    public T Or(T current) => HasValue ? Value : current;
}

/// <summary>An <see cref="Optional{T}"/> seen without its type argument (by filters that walk request bodies).</summary>
internal interface IOptionalValue
{
    bool HasValue { get; }

    object? BoxedValue { get; }
}

internal sealed class OptionalConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(Optional<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(OptionalConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

    private sealed class OptionalConverter<T> : JsonConverter<Optional<T>>
    {
        // Called only when the property is present, so null reaches Read as a real value.
        public override bool HandleNull => true;

        public override Optional<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            new(true, JsonSerializer.Deserialize<T>(ref reader, options)!);

        public override void Write(Utf8JsonWriter writer, Optional<T> value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.Value, options);
    }
}
