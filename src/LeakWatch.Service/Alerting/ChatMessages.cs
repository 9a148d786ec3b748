using System.Text;
using System.Text.Json.Nodes;

namespace LeakWatch.Service.Alerting;

/// <summary>
/// Slack incoming-webhook messages (<c>text</c> for notifications, <c>blocks</c> for the layout) and Microsoft Teams
/// Adaptive Cards (the format Teams workflows accept). Both say what <see cref="AlertText"/> says, nothing more.
/// </summary>
internal static class ChatMessages
{
    public static string Slack(AlertPayload alert)
    {
        var blocks = new JsonArray
        {
            new JsonObject { ["type"] = "header", ["text"] = PlainText(Truncate(AlertText.Title(alert), 150)) },
            Section(SlackEscape(AlertText.Intro(alert))),
        };
        foreach (var incident in Incidents(alert))
        {
            var lines = new StringBuilder();
            foreach (var (label, value) in AlertText.Facts(incident))
            {
                lines.Append('*').Append(SlackEscape(label)).Append(":* ");
                lines.Append(label == "Console" ? "<" + SlackEscape(value) + "|open incident #" + incident.Id + ">" : SlackEscape(value)).Append('\n');
            }
            blocks.Add(Section(Truncate(lines.ToString(), 3000)));
        }
        if (alert.Digest is { Omitted: > 0 } digest) blocks.Add(Section($"… and {digest.Omitted} more incident(s): see the console."));
        blocks.Add(new JsonObject
        {
            ["type"] = "context",
            ["elements"] = new JsonArray { new JsonObject { ["type"] = "mrkdwn", ["text"] = SlackEscape(AlertText.NoPatientData + " Key: " + alert.IdempotencyKey) } },
        });
        var message = new JsonObject { ["text"] = SlackEscape(AlertText.Title(alert)), ["blocks"] = blocks };
        return message.ToJsonString();
    }

    public static string Teams(AlertPayload alert)
    {
        var body = new JsonArray
        {
            new JsonObject { ["type"] = "TextBlock", ["text"] = AlertText.Title(alert), ["weight"] = "Bolder", ["size"] = "Medium", ["wrap"] = true, ["color"] = alert.Test ? "Accent" : "Attention" },
            new JsonObject { ["type"] = "TextBlock", ["text"] = AlertText.Intro(alert), ["wrap"] = true },
        };
        var actions = new JsonArray();
        foreach (var incident in Incidents(alert))
        {
            var facts = new JsonArray();
            foreach (var (label, value) in AlertText.Facts(incident))
            {
                facts.Add(new JsonObject { ["title"] = label, ["value"] = value });
            }
            body.Add(new JsonObject { ["type"] = "FactSet", ["facts"] = facts, ["separator"] = true });
            if (actions.Count < 5) actions.Add(new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = $"Open incident #{incident.Id}", ["url"] = incident.ConsoleUrl });
        }
        if (alert.Digest is { Omitted: > 0 } digest) body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = $"… and {digest.Omitted} more incident(s): see the console.", ["wrap"] = true });
        body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = AlertText.NoPatientData + " Key: " + alert.IdempotencyKey, ["size"] = "Small", ["isSubtle"] = true, ["wrap"] = true });

        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.4",
            ["body"] = body,
            ["actions"] = actions,
        };
        var message = new JsonObject
        {
            ["type"] = "message",
            ["summary"] = AlertText.Title(alert),
            ["attachments"] = new JsonArray
            {
                new JsonObject { ["contentType"] = "application/vnd.microsoft.card.adaptive", ["contentUrl"] = null, ["content"] = card },
            },
        };
        return message.ToJsonString();
    }

    private static IEnumerable<IncidentAlert> Incidents(AlertPayload alert) =>
        alert.Incident is { } incident ? [incident] : alert.Digest?.Incidents ?? [];

    private static JsonObject PlainText(string text) => new() { ["type"] = "plain_text", ["text"] = text };

    private static JsonObject Section(string markdown) =>
        new() { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = markdown.Length == 0 ? " " : markdown } };

    /// <summary>Slack's mrkdwn reserves these three; everything else goes through as is.</summary>
    private static string SlackEscape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
