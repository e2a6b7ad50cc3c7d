using InferenceGateway.SampleModel.Vision;

using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace InferenceGateway.SampleModel.Api;

/// <summary>
/// POST /v1/images/classify: the label of one image, with a probability for every label, highest first. The image comes
/// as JSON (<c>{"image": "&lt;base64 or data URL&gt;"}</c>) or as multipart/form-data with a file part named <c>file</c>.
/// </summary>
internal static class ImageClassifyEndpoint
{
    /// <summary>Room for the JSON or multipart framing around the image itself.</summary>
    private const int FramingAllowance = 64 * 1024;

    public static async Task HandleAsync(HttpContext context, ImageClassifier classifier, IOptions<SampleModelOptions> options)
    {
        SampleModelOptions settings = options.Value;
        HttpRequest request = context.Request;
        long maxBody = (((long)settings.MaxImageBytes + 2) / 3 * 4) + FramingAllowance;
        if (request.ContentLength > maxBody)
        {
            throw TooLarge(settings);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBody;
        }

        (byte[] image, string? model) = await ReadImageAsync(request, settings, context.RequestAborted);
        IReadOnlyList<LabelScore> scores;
        try
        {
            scores = classifier.Classify(image);
        }
        catch (ImageInput.RejectedException rejected)
        {
            throw new InvalidRequestException(
                rejected.Message,
                "image",
                rejected.TooLarge ? "image_too_large" : "invalid_image",
                rejected.TooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest);
        }

        var response = new ImageClassifyResponse(
            model ?? settings.ImageModelId, scores[0].Label, scores.Select(s => new ImageLabelScore(s.Label, s.Score)).ToList());
        await context.Response.WriteAsJsonAsync(
            response, SampleModelJsonContext.Wire.ImageClassifyResponse, "application/json", context.RequestAborted);
    }

    private static async Task<(byte[] Image, string? Model)> ReadImageAsync(
        HttpRequest request, SampleModelOptions settings, CancellationToken cancellationToken)
    {
        try
        {
            if (request.HasFormContentType)
            {
                return await ReadMultipartAsync(request, settings, cancellationToken);
            }

            if (request.HasJsonContentType())
            {
                ImageClassifyRequest body = await JsonBody.ReadObjectAsync(
                    request, SampleModelJsonContext.Wire.ImageClassifyRequest, cancellationToken);
                return (DecodeBase64(body.Image, settings), body.Model);
            }
        }
        catch (BadHttpRequestException tooLong) when (tooLong.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(settings);
        }

        throw new InvalidRequestException(
            "Send the image as JSON ({\"image\": \"<base64>\"}) or as multipart/form-data with a file part named 'file'.",
            null,
            "unsupported_content_type",
            StatusCodes.Status415UnsupportedMediaType);
    }

    private static async Task<(byte[] Image, string? Model)> ReadMultipartAsync(
        HttpRequest request, SampleModelOptions settings, CancellationToken cancellationToken)
    {
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException)
        {
            throw new InvalidRequestException("The multipart/form-data body could not be parsed.", null, "invalid_multipart");
        }

        IFormFile file = form.Files.GetFile("file")
            ?? throw new InvalidRequestException("Missing required file part: 'file'.", "file", "missing_required_parameter");
        if (file.Length > settings.MaxImageBytes)
        {
            throw TooLarge(settings);
        }

        if (file.Length == 0)
        {
            throw new InvalidRequestException("Invalid 'file': the file is empty.", "file", "invalid_image");
        }

        var bytes = new byte[file.Length];
        await using (Stream stream = file.OpenReadStream())
        {
            await stream.ReadExactlyAsync(bytes, cancellationToken);
        }

        string? model = form.TryGetValue("model", out var values) && !string.IsNullOrEmpty(values.ToString()) ? values.ToString() : null;
        return (bytes, model);
    }

    private static byte[] DecodeBase64(string? image, SampleModelOptions settings)
    {
        if (string.IsNullOrEmpty(image))
        {
            throw new InvalidRequestException("Missing required parameter: 'image'.", "image", "missing_required_parameter");
        }

        ReadOnlySpan<char> text = image;
        if (text.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            int comma = text.IndexOf(',');
            if (comma < 0 || !text[..comma].EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidRequestException("Invalid 'image': a data URL must be base64 encoded (data:<type>;base64,...).", "image", "invalid_base64");
            }

            text = text[(comma + 1)..];
        }

        if ((long)text.Length / 4 * 3 > settings.MaxImageBytes + 2)
        {
            throw TooLarge(settings);
        }

        var bytes = new byte[(text.Length / 4 * 3) + 3];
        if (!Convert.TryFromBase64Chars(text, bytes, out int written))
        {
            throw new InvalidRequestException("Invalid 'image': not valid base64.", "image", "invalid_base64");
        }

        if (written > settings.MaxImageBytes)
        {
            throw TooLarge(settings);
        }

        return bytes.AsSpan(0, written).ToArray();
    }

    private static InvalidRequestException TooLarge(SampleModelOptions settings) => new(
        $"The image is too large: at most {settings.MaxImageBytes} bytes are accepted.", "image", "image_too_large", StatusCodes.Status413PayloadTooLarge);
}
