//! The customer mails' texts, in the widget's six languages, rendered as
//! plain text and simple HTML (no images, no remote resources, no tracking;
//! everything the customer wrote is HTML-escaped).

use parcel_desk_wire::customer::Language;

/// A moment a customer hears about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moment {
    Received,
    NeedsCustomer,
    Filed,
    Rejected,
    Resolved,
}

impl Moment {
    pub const ALL: [Moment; 5] =
        [Moment::Received, Moment::NeedsCustomer, Moment::Filed, Moment::Rejected, Moment::Resolved];

    /// The outbox's name of the moment.
    pub fn as_str(self) -> &'static str {
        match self {
            Moment::Received => "received",
            Moment::NeedsCustomer => "needs_customer",
            Moment::Filed => "filed",
            Moment::Rejected => "rejected",
            Moment::Resolved => "resolved",
        }
    }

    pub fn parse(s: &str) -> Option<Moment> {
        Moment::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// One language's texts. `{ref}` stands for the claim's reference.
struct Texts {
    /// `{name}` stands for the customer's name.
    greeting: &'static str,
    subjects: [&'static str; 5],
    bodies: [&'static str; 5],
    reason: &'static str,
    reference: &'static str,
    parcel: &'static str,
    link: &'static str,
    footer: &'static str,
}

const EN: Texts = Texts {
    greeting: "Hello {name},",
    subjects: [
        "We have received your claim {ref}",
        "Your claim {ref}: the carrier needs something from you",
        "Your claim {ref} has been filed with the carrier",
        "Your claim {ref} was not accepted",
        "Your claim {ref} is resolved",
    ],
    bodies: [
        "Thank you for telling us. We have received your claim and are taking care of it. Please mention your reference if you contact us about it.",
        "The carrier needs more information or documents from you to handle your claim. Please open the link below and answer the request.",
        "We have filed your claim with the carrier. Their review can take a few days; we will write again as soon as there is news.",
        "Unfortunately we cannot pass your claim on to the carrier.",
        "Your claim has been resolved. The link below shows the outcome.",
    ],
    reason: "The shop's reason:",
    reference: "Your reference:",
    parcel: "Parcel:",
    link: "Follow your claim:",
    footer: "This is an automatic message about your claim.",
};

const DE: Texts = Texts {
    greeting: "Guten Tag {name},",
    subjects: [
        "Wir haben Ihre Reklamation {ref} erhalten",
        "Ihre Reklamation {ref}: Der Versanddienstleister benötigt Angaben von Ihnen",
        "Ihre Reklamation {ref} wurde beim Versanddienstleister eingereicht",
        "Ihre Reklamation {ref} wurde nicht angenommen",
        "Ihre Reklamation {ref} ist abgeschlossen",
    ],
    bodies: [
        "vielen Dank für Ihre Meldung. Wir haben Ihre Reklamation erhalten und kümmern uns darum. Bitte geben Sie bei Rückfragen Ihre Referenz an.",
        "der Versanddienstleister benötigt für die Bearbeitung Ihrer Reklamation weitere Angaben oder Unterlagen von Ihnen. Bitte öffnen Sie den Link unten und beantworten Sie die Anfrage.",
        "wir haben Ihre Reklamation beim Versanddienstleister eingereicht. Die Prüfung kann einige Tage dauern; wir melden uns, sobald es Neuigkeiten gibt.",
        "leider können wir Ihre Reklamation nicht an den Versanddienstleister weitergeben.",
        "Ihre Reklamation ist abgeschlossen. Das Ergebnis sehen Sie über den Link unten.",
    ],
    reason: "Begründung des Shops:",
    reference: "Ihre Referenz:",
    parcel: "Sendung:",
    link: "Status Ihrer Reklamation:",
    footer: "Diese Nachricht wurde automatisch zu Ihrer Reklamation versendet.",
};

const NL: Texts = Texts {
    greeting: "Beste {name},",
    subjects: [
        "We hebben je claim {ref} ontvangen",
        "Je claim {ref}: de vervoerder heeft iets van je nodig",
        "Je claim {ref} is ingediend bij de vervoerder",
        "Je claim {ref} is niet geaccepteerd",
        "Je claim {ref} is afgehandeld",
    ],
    bodies: [
        "Bedankt voor je melding. We hebben je claim ontvangen en gaan ermee aan de slag. Vermeld je referentie als je er contact over opneemt.",
        "De vervoerder heeft meer informatie of documenten van je nodig om je claim te behandelen. Open de link hieronder en beantwoord het verzoek.",
        "We hebben je claim ingediend bij de vervoerder. De beoordeling kan een paar dagen duren; we laten van ons horen zodra er nieuws is.",
        "Helaas kunnen we je claim niet doorsturen naar de vervoerder.",
        "Je claim is afgehandeld. Via de link hieronder zie je de uitkomst.",
    ],
    reason: "Reden van de winkel:",
    reference: "Je referentie:",
    parcel: "Zending:",
    link: "Volg je claim:",
    footer: "Dit is een automatisch bericht over je claim.",
};

const FR: Texts = Texts {
    greeting: "Bonjour {name},",
    subjects: [
        "Nous avons bien reçu votre réclamation {ref}",
        "Votre réclamation {ref} : le transporteur a besoin d'informations de votre part",
        "Votre réclamation {ref} a été transmise au transporteur",
        "Votre réclamation {ref} n'a pas été acceptée",
        "Votre réclamation {ref} est clôturée",
    ],
    bodies: [
        "Merci de nous avoir prévenus. Nous avons bien reçu votre réclamation et nous nous en occupons. Merci d'indiquer votre référence si vous nous contactez à ce sujet.",
        "Le transporteur a besoin d'informations ou de documents supplémentaires de votre part pour traiter votre réclamation. Ouvrez le lien ci-dessous et répondez à la demande.",
        "Nous avons transmis votre réclamation au transporteur. L'examen peut prendre quelques jours ; nous vous écrirons dès qu'il y aura du nouveau.",
        "Malheureusement, nous ne pouvons pas transmettre votre réclamation au transporteur.",
        "Votre réclamation est clôturée. Le lien ci-dessous en indique le résultat.",
    ],
    reason: "Motif indiqué par la boutique :",
    reference: "Votre référence :",
    parcel: "Colis :",
    link: "Suivre votre réclamation :",
    footer: "Ce message automatique concerne votre réclamation.",
};

const ES: Texts = Texts {
    greeting: "Hola {name}:",
    subjects: [
        "Hemos recibido tu reclamación {ref}",
        "Tu reclamación {ref}: el transportista necesita algo de ti",
        "Tu reclamación {ref} se ha presentado al transportista",
        "Tu reclamación {ref} no ha sido aceptada",
        "Tu reclamación {ref} está resuelta",
    ],
    bodies: [
        "Gracias por avisarnos. Hemos recibido tu reclamación y nos estamos ocupando de ella. Indica tu referencia si nos contactas sobre ella.",
        "El transportista necesita más información o documentos tuyos para tramitar tu reclamación. Abre el enlace de abajo y responde a la solicitud.",
        "Hemos presentado tu reclamación al transportista. La revisión puede tardar unos días; te escribiremos en cuanto haya novedades.",
        "Lamentablemente no podemos enviar tu reclamación al transportista.",
        "Tu reclamación se ha resuelto. En el enlace de abajo puedes ver el resultado.",
    ],
    reason: "Motivo de la tienda:",
    reference: "Tu referencia:",
    parcel: "Envío:",
    link: "Sigue tu reclamación:",
    footer: "Este es un mensaje automático sobre tu reclamación.",
};

const IT: Texts = Texts {
    greeting: "Gentile {name},",
    subjects: [
        "Abbiamo ricevuto il tuo reclamo {ref}",
        "Il tuo reclamo {ref}: il corriere ha bisogno di qualcosa da te",
        "Il tuo reclamo {ref} è stato inoltrato al corriere",
        "Il tuo reclamo {ref} non è stato accettato",
        "Il tuo reclamo {ref} è stato risolto",
    ],
    bodies: [
        "Grazie per la segnalazione. Abbiamo ricevuto il tuo reclamo e ce ne stiamo occupando. Indica il tuo riferimento se ci contatti in merito.",
        "Il corriere ha bisogno di altre informazioni o documenti da parte tua per gestire il reclamo. Apri il link qui sotto e rispondi alla richiesta.",
        "Abbiamo inoltrato il tuo reclamo al corriere. La verifica può richiedere alcuni giorni; ti scriveremo appena ci saranno novità.",
        "Purtroppo non possiamo inoltrare il tuo reclamo al corriere.",
        "Il tuo reclamo è stato risolto. Il link qui sotto ne mostra l'esito.",
    ],
    reason: "Motivo indicato dal negozio:",
    reference: "Il tuo riferimento:",
    parcel: "Spedizione:",
    link: "Segui il tuo reclamo:",
    footer: "Questo è un messaggio automatico sul tuo reclamo.",
};

fn texts(lang: Language) -> &'static Texts {
    match lang {
        Language::En => &EN,
        Language::De => &DE,
        Language::Nl => &NL,
        Language::Fr => &FR,
        Language::Es => &ES,
        Language::It => &IT,
    }
}

/// What a mail is about.
#[derive(Clone, Debug)]
pub struct MailFacts<'a> {
    pub moment: Moment,
    pub language: Language,
    /// The customer's name (their input).
    pub name: &'a str,
    /// `PD-4K7Q-2M`.
    pub reference: &'a str,
    pub tracking_number: &'a str,
    /// The status page of this claim.
    pub status_link: &'a str,
    /// A rejected claim's reason (the shop's words).
    pub reason: Option<&'a str>,
}

/// A rendered mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Escapes text for HTML element content and double-quoted attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One line of customer input: control characters (line breaks included)
/// become spaces, so nothing the customer typed can shape the mail.
fn one_line(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>().trim().to_owned()
}

/// Renders the mail for `f`.
pub fn render(f: &MailFacts<'_>) -> Mail {
    let t = texts(f.language);
    let i = Moment::ALL.iter().position(|m| *m == f.moment).unwrap_or(0);
    let name = one_line(f.name);
    let greeting = t.greeting.replace("{name}", &name);
    let subject = t.subjects[i].replace("{ref}", f.reference);
    let body = t.bodies[i];
    let reason = f.reason.map(str::trim).filter(|r| !r.is_empty());
    let tracking = one_line(f.tracking_number);

    let mut text = format!("{greeting}\n\n{body}\n");
    if let Some(r) = reason {
        text.push_str(&format!("\n{}\n{r}\n", t.reason));
    }
    text.push_str(&format!("\n{} {}\n{} {tracking}\n", t.reference, f.reference, t.parcel));
    text.push_str(&format!("\n{}\n{}\n", t.link, f.status_link));
    text.push_str(&format!("\n-- \n{}\n", t.footer));

    let mut html = format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n</head>\n\
         <body style=\"font-family: sans-serif; line-height: 1.5; color: #222;\">\n<p>{greeting}</p>\n<p>{body}</p>\n",
        lang = f.language.as_str(),
        title = escape(&subject),
        greeting = escape(&greeting),
        body = escape(body),
    );
    if let Some(r) = reason {
        let lines: Vec<String> = r.lines().map(escape).collect();
        html.push_str(&format!("<p><strong>{}</strong><br>\n{}</p>\n", escape(t.reason), lines.join("<br>\n")));
    }
    html.push_str(&format!(
        "<p>{} <strong>{}</strong><br>\n{} {}</p>\n<p>{}<br>\n<a href=\"{link}\">{link}</a></p>\n\
         <p style=\"color: #666; font-size: 0.9em;\">{}</p>\n</body>\n</html>\n",
        escape(t.reference),
        escape(f.reference),
        escape(t.parcel),
        escape(&tracking),
        escape(t.link),
        escape(t.footer),
        link = escape(f.status_link),
    ));
    Mail { subject, text, html }
}

/// The status page link of a claim: `base` with `view=status&ref=PD-…`
/// added to its query.
pub fn status_link(base: &str, reference: &str) -> String {
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}view=status&ref={reference}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(moment: Moment, language: Language) -> MailFacts<'static> {
        MailFacts {
            moment,
            language,
            name: "Jörg <b>\"Bold\"</b>\r\nBcc: x@evil.example",
            reference: "PD-4K7Q-2M",
            tracking_number: "PD-OWN-0003",
            status_link: "https://shop.example/claims?view=status&ref=PD-4K7Q-2M",
            reason: Some("Not our <parcel> & not\nour order"),
        }
    }

    #[test]
    fn every_language_has_every_moment_with_the_reference_and_link() {
        let mut subjects = std::collections::HashSet::new();
        for lang in Language::ALL {
            for m in Moment::ALL {
                let mail = render(&facts(m, lang));
                assert!(mail.subject.contains("PD-4K7Q-2M"), "{lang:?} {m:?}");
                assert!(subjects.insert(mail.subject.clone()), "each subject is its own: {}", mail.subject);
                for part in [&mail.text, &mail.html] {
                    assert!(part.contains("PD-4K7Q-2M") && part.contains("PD-OWN-0003"));
                }
                assert!(mail.text.contains("https://shop.example/claims?view=status&ref=PD-4K7Q-2M"));
                assert!(mail.html.contains("href=\"https://shop.example/claims?view=status&amp;ref=PD-4K7Q-2M\""));
                assert!(mail.html.contains(&format!("<html lang=\"{}\">", lang.as_str())));
                assert!(!mail.html.contains("<img") && !mail.html.contains("src="), "no images, nothing remote");
                // Only German goes on in lower case after the greeting's comma.
                let first = mail.text.split("\n\n").nth(1).and_then(|b| b.chars().next()).unwrap();
                if lang != Language::De {
                    assert!(first.is_uppercase(), "{lang:?} {m:?}: {}", mail.text);
                }
            }
        }
    }

    #[test]
    fn german_is_german() {
        let received = render(&facts(Moment::Received, Language::De));
        assert_eq!(received.subject, "Wir haben Ihre Reklamation PD-4K7Q-2M erhalten");
        assert!(received.text.starts_with("Guten Tag Jörg"));
        assert!(received.text.contains("Ihre Referenz: PD-4K7Q-2M"));
        let resolved = render(&facts(Moment::Resolved, Language::De));
        assert_eq!(resolved.subject, "Ihre Reklamation PD-4K7Q-2M ist abgeschlossen");
    }

    #[test]
    fn customer_input_is_escaped_and_kept_on_one_line() {
        let mail = render(&facts(Moment::Rejected, Language::En));
        assert!(mail.html.contains("Jörg &lt;b&gt;&quot;Bold&quot;&lt;/b&gt;  Bcc: x@evil.example"));
        assert!(!mail.html.contains("<b>"));
        assert!(mail.html.contains("Not our &lt;parcel&gt; &amp; not<br>\nour order"));
        assert!(mail.text.contains("The shop's reason:\nNot our <parcel> & not\nour order"));
        assert!(mail.text.starts_with("Hello Jörg <b>\"Bold\"</b>  Bcc: x@evil.example,\n"));
        // Without a reason, no reason line.
        let filed = render(&MailFacts { reason: None, ..facts(Moment::Filed, Language::En) });
        assert!(!filed.text.contains("reason"));
        assert_eq!(escape("<a href='x'>&\""), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;");
    }

    #[test]
    fn status_links() {
        assert_eq!(status_link("https://shop.example/", "PD-1"), "https://shop.example/?view=status&ref=PD-1");
        assert_eq!(
            status_link("https://shop.example/p?lang=de", "PD-1"),
            "https://shop.example/p?lang=de&view=status&ref=PD-1"
        );
    }
}
