using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace LeakWatch.Service.Alerting;

/// <summary>
/// Generic JSON webhooks (signed), Slack and Teams, through the named HTTP client. Anything but a 2xx is a failure to
/// retry later; redirects are not followed, so an alert goes only where it was configured to go.
/// </summary>
internal sealed class WebhookAlertSender(IHttpClientFactory httpClients, TimeProvider time)
{
    public const string HttpClientName = "LeakWatch.Alerting";

    public async Task<DeliveryResult> SendAsync(AlertChannelOptions channel, AlertPayload alert, CancellationToken cancellationToken)
    {
        try
        {
            using var request = Compose(channel, alert, time.GetUtcNow());
            var client = httpClients.CreateClient(HttpClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return response.IsSuccessStatusCode
                ? DeliveryResult.Success
                : DeliveryResult.Failed(string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}"));
        }
        catch (HttpRequestException ex)
        {
            return DeliveryResult.Failed(string.Create(CultureInfo.InvariantCulture, $"HttpRequestException: {ex.HttpRequestError}"));
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DeliveryResult.Failed("Timed out");
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return DeliveryResult.Failed(ex);
        }
    }

    public static HttpRequestMessage Compose(AlertChannelOptions channel, AlertPayload alert, DateTimeOffset now)
    {
        var body = Encoding.UTF8.GetBytes(channel.Kind switch
        {
            ChannelKind.Slack => ChatMessages.Slack(alert),
            ChannelKind.Teams => ChatMessages.Teams(alert),
            _ => alert.ToJson(),
        });
        var request = new HttpRequestMessage(HttpMethod.Post, ChannelSecrets.EndpointUrl(channel))
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookSignature.IdempotencyKeyHeader, alert.IdempotencyKey);
        if (channel.Kind == ChannelKind.Webhook)
        {
            var secret = ChannelSecrets.SigningSecret(channel)
                ?? throw new InvalidOperationException("The webhook signing secret file or environment variable is empty.");
            var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            request.Headers.Add(WebhookSignature.TimestampHeader, timestamp);
            request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Compute(secret, timestamp, body));
        }
        return request;
    }
}
