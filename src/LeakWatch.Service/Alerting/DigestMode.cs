namespace LeakWatch.Service.Alerting;

internal enum DigestMode
{
    None = 0,
    Hourly,
    Daily,
}
