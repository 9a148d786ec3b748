namespace LeakWatch.Service.Alerting;

internal enum ChannelKind
{
    Email = 1,
    Webhook,
    Slack,
    Teams,
}
