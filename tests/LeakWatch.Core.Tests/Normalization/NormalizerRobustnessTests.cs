using LeakWatch.Core.Normalization;

namespace LeakWatch.Core.Tests.Normalization;

/// <summary>Leaked dumps are hostile input: no normalizer may throw, and each must agree with itself.</summary>
public sealed class NormalizerRobustnessTests
{
    private const string Alphabet =
        "abcdeéèêëàâäôöùûüçœæßøłđÆŒØÉ ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 0000111122223333 '’-–—._,;:/\\^@+()[]<>\"#%&*=?!~|\t\n\r" +
        "\u00A0\u202F\u0301\u200B\uFEFF\uD83D\uDE00\uD800ИванНгуễ日本ＡＢ１２mailto:.fr.com@example+33 06 ";

    [Fact]
    public void AllNormalizers_RandomInput_NeverThrowAndAgreeWithThemselves()
    {
        var random = new Random(4242);
        var dates = new List<DateHit>();
        var nirs = new List<NirHit>();
        var phones = new List<PhoneHit>();
        var emails = new List<EmailHit>();
        Span<int> candidates = stackalloc int[2];
        var buffer = new char[1024];
        for (var n = 0; n < 20_000; n++)
        {
            var length = random.Next(0, n % 100 == 0 ? 400 : 40);
            var chars = new char[length];
            for (var i = 0; i < length; i++) chars[i] = Alphabet[random.Next(Alphabet.Length)];
            var text = new string(chars);

            var compact = NameNormalizer.Compact(text);
            var spaced = NameNormalizer.Spaced(text);
            Assert.Equal(compact, spaced?.Replace(" ", "", StringComparison.Ordinal));
            var written = NameNormalizer.CompactInto(text, buffer);
            Assert.Equal(compact, written < 0 ? null : new string(buffer, 0, written));
            if (compact is not null) Assert.True(compact.All(char.IsAsciiLetterUpper));
            NameNormalizer.FirstNameVariants(text);
            NameNormalizer.IsCivility(text);

            var count = BirthDateNormalizer.Normalize(text, candidates);
            for (var i = 0; i < count; i++)
            {
                Assert.InRange(candidates[i] / 10000, BirthDateNormalizer.MinYear, BirthDateNormalizer.MaxYear);
                Assert.InRange(candidates[i] / 100 % 100, 0, 12);
                Assert.InRange(candidates[i] % 100, 0, 31);
            }

            var body = NirNormalizer.Body(text);
            if (body is not null) Assert.Equal(body, NirNormalizer.Body(body));

            var e164 = PhoneNormalizer.ToE164(text);
            if (e164 is not null) Assert.Equal(e164, PhoneNormalizer.ToE164(e164));

            var email = EmailNormalizer.Normalize(text);
            if (email is not null) Assert.Equal(email, EmailNormalizer.Normalize(email));

            dates.Clear();
            nirs.Clear();
            phones.Clear();
            emails.Clear();
            BirthDateNormalizer.FindAll(text, dates);
            NirNormalizer.FindAll(text, nirs);
            PhoneNormalizer.FindAll(text, phones);
            EmailNormalizer.FindAll(text, emails);
            foreach (var hit in dates) Assert.InRange(hit.Start + hit.Length, 1, text.Length);
            foreach (var hit in nirs) Assert.Equal(hit.Body, NirNormalizer.Body(text.AsSpan(hit.Start, hit.Length)));
            foreach (var hit in phones) Assert.Equal(hit.E164, PhoneNormalizer.ToE164(text.AsSpan(hit.Start, hit.Length)));
            foreach (var hit in emails) Assert.Equal(hit.Email, EmailNormalizer.Normalize(text.AsSpan(hit.Start, hit.Length)));
            ColumnNames.Classify(text);
        }
    }

    [Fact]
    public void Normalizers_HugeField_DoNotThrow()
    {
        var huge = new string('A', 100_000) + "'" + new string('é', 100_000);
        Assert.Equal(200_000, NameNormalizer.Compact(huge)!.Length);
        Span<int> candidates = stackalloc int[2];
        Assert.Equal(0, BirthDateNormalizer.Normalize(huge, candidates));
        Assert.Null(NirNormalizer.Body(huge));
        Assert.Null(PhoneNormalizer.ToE164(huge));
        Assert.Null(EmailNormalizer.Normalize(huge));
    }
}
