//! Counterfactual profiles: the same résumé written twice, differing only in one signal
//! of who the candidate is — a name from another group, a pronoun, a gendered title
//! form, an age and birth year. Shared by `tests/fairness.rs` (which asserts) and
//! `examples/counterfactual.rs` (which measures at scale). Every name, address and
//! number here is invented.

#![allow(dead_code)]

/// A signal that is swapped between the two sides of a pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    /// The full name, labelled and repeated in the text (recognised, blanked):
    /// 王伟 ↔ 李娜, John ↔ Aisha.
    Name,
    /// The first name alone in a sentence ("John led …"), which the profile stage does
    /// not recognise as the name: not blanked.
    FirstNameOnly,
    /// Pronouns: he ↔ she, his ↔ her, 他 ↔ 她 (not personal data; stop words).
    Pronoun,
    /// Gendered title forms: Ingeniero ↔ Ingeniera, Programator ↔ Programatoare.
    GenderedTitle,
    /// Age and birth year, labelled (recognised, blanked).
    Age,
}

/// Every signal, in report order.
pub const SIGNALS: [Signal; 5] = [
    Signal::Name,
    Signal::FirstNameOnly,
    Signal::Pronoun,
    Signal::GenderedTitle,
    Signal::Age,
];

impl Signal {
    /// Its name in reports.
    pub fn label(self) -> &'static str {
        match self {
            Signal::Name => "name (labelled, blanked)",
            Signal::FirstNameOnly => "first name alone in text (not blanked)",
            Signal::Pronoun => "pronoun he/she, 他/她",
            Signal::GenderedTitle => "gendered title form (es, ro)",
            Signal::Age => "age and birth year (labelled, blanked)",
        }
    }

    /// Whether the two sides must score bit for bit the same: the signal is blanked
    /// personal data, or (pronouns) only stop words differ.
    pub fn must_be_identical(self) -> bool {
        matches!(self, Signal::Name | Signal::Age | Signal::Pronoun)
    }
}

/// Name pairs across groups: (side A, side B), by language.
const NAMES_EN: &[(&str, &str)] = &[
    ("John Miller", "Aisha Khan"),
    ("Peter Novak", "Fatima Diallo"),
    ("Mark Evans", "Mei Chen"),
    ("David Brown", "Priya Nair"),
];
const NAMES_ZH: &[(&str, &str)] = &[("王伟", "李娜"), ("张强", "刘芳"), ("陈杰", "杨静")];
const NAMES_ES: &[(&str, &str)] = &[
    ("Carlos Ruiz", "Lucía Gómez"),
    ("Javier Mora", "Amina Haddad"),
];
const NAMES_RO: &[(&str, &str)] = &[
    ("Andrei Popescu", "Ioana Ionescu"),
    ("Mihai Stan", "Elena Dumitru"),
];

const SKILLS_EN: &[&str] = &[
    "Go, Kafka, Kubernetes and PostgreSQL",
    "Python, PyTorch and SQL",
    "React, TypeScript and GraphQL",
    "Java, Spring Boot and Redis",
    "AWS, Terraform and Docker",
];
const SKILLS_ZH: &[&str] = &[
    "Java、Spring Boot、Redis 和 Kafka",
    "Go、微服务、Kubernetes",
    "Python、机器学习、SQL",
];

/// One side of pair `i` for `signal` in language `lang` (`en`, `zh`, `es`, `ro`):
/// `(id, text)`. Side `b` differs from side `a` only in the signal.
pub fn profile(signal: Signal, lang: &str, i: usize, b: bool) -> (String, String) {
    let pick = |pairs: &[(&'static str, &'static str)]| {
        let (x, y) = pairs[i % pairs.len()];
        // With a name swap side B has the other name; otherwise both sides share one.
        if b && matches!(signal, Signal::Name | Signal::FirstNameOnly) {
            y
        } else {
            x
        }
    };
    let years = 3 + i % 9;
    let age = if b && signal == Signal::Age { 58 } else { 31 };
    let birth = 2026 - age;
    let id = format!("{lang}-{i:04}");
    let phone = format!("+1 555 01{:02} {:03}", i % 100, i % 1000);
    let text = match lang {
        "zh" => {
            let name = pick(NAMES_ZH);
            let he = if b && signal == Signal::Pronoun {
                "她"
            } else {
                "他"
            };
            let skills = SKILLS_ZH[i % SKILLS_ZH.len()];
            let given: String = name.chars().skip(1).collect();
            let intro = if signal == Signal::FirstNameOnly {
                format!("{given}负责核心系统。")
            } else {
                String::new()
            };
            format!(
                "姓名：{name}\n手机：138{:08}\n年龄：{age}\n出生年月：{birth}.05\n\n后端开发工程师\n\n个人简介\n{name}有{years}年后端开发经验，熟悉{skills}。{he}带领过五人团队，{he}负责高并发系统设计。{intro}\n\n工作经历\n2019.03 - 至今  示例科技  后端开发工程师\n- 使用{skills}构建即时通讯服务\n\n教育背景\n2012 - 2016  示例大学  计算机科学  本科\n",
                i
            )
        }
        "es" => {
            let name = pick(NAMES_ES);
            let (title, dev) = if b && signal == Signal::GenderedTitle {
                ("Ingeniera de Software", "desarrolladora")
            } else {
                ("Ingeniero de Software", "desarrollador")
            };
            let he = if b && signal == Signal::Pronoun {
                "she"
            } else {
                "he"
            };
            let first = name.split(' ').next().unwrap_or(name);
            let intro = if signal == Signal::FirstNameOnly {
                format!(" {first} lideró la migración.")
            } else {
                String::new()
            };
            format!(
                "Nombre: {name}\nTeléfono: {phone}\nEdad: {age}\nFecha de nacimiento: 3 de mayo de {birth}\n\n{title}\n\nPerfil\n{name}, {dev} backend con {years} años de experiencia en Java, Kafka y Kubernetes.{intro} In English: {he} led a team of five.\n\nExperiencia\n2019 - actualidad  {title}, Ejemplo S.L.\n- Microservicios con Java, Kafka y PostgreSQL\n\nEducación\nGrado en Ingeniería Informática, 2016\n"
            )
        }
        "ro" => {
            let name = pick(NAMES_RO);
            let (title, prog) = if b && signal == Signal::GenderedTitle {
                ("Ingineră software", "programatoare")
            } else {
                ("Inginer software", "programator")
            };
            let he = if b && signal == Signal::Pronoun {
                "she"
            } else {
                "he"
            };
            let first = name.split(' ').next().unwrap_or(name);
            let intro = if signal == Signal::FirstNameOnly {
                format!(" {first} a condus migrarea.")
            } else {
                String::new()
            };
            format!(
                "Nume: {name}\nTelefon: {phone}\nAge: {age}\nDate of birth: 3 May {birth}\n\n{title}\n\nProfil\n{name}, {prog} backend cu {years} ani de experiență în Java, Kafka și Kubernetes.{intro} In English: {he} led a team of five.\n\nExperiență\n2019 - prezent  {title}, Exemplu SRL\n- Microservicii cu Java, Kafka și PostgreSQL\n\nEducație\nLicență în Informatică, 2016\n"
            )
        }
        _ => {
            let name = pick(NAMES_EN);
            let (he, his) = if b && signal == Signal::Pronoun {
                ("She", "her")
            } else {
                ("He", "his")
            };
            let skills = SKILLS_EN[i % SKILLS_EN.len()];
            let first = name.split(' ').next().unwrap_or(name);
            let intro = if signal == Signal::FirstNameOnly {
                format!(" {first} led the migration to the cloud.")
            } else {
                String::new()
            };
            format!(
                "{name}\nSenior Backend Engineer\nEmail: {}@example.com | Phone: {phone}\nAge: {age}\nDate of birth: 12 May {birth}\n\nSummary\n{name} has {years} years of experience with {skills}. {he} led a team of five and {he} owns {his} services end to end.{intro}\n\nExperience\n2019.03 - present  Senior Backend Engineer, Example Corp\n- Built services with {skills}\n\nEducation\nMaster of Computer Science, 2016\n",
                name.to_lowercase().replace(' ', ".")
            )
        }
    };
    (id, text)
}

/// Jobs in the four languages, `(id, text)`: Spanish and Romanian postings name the
/// title in its masculine form, as postings often do.
pub fn jobs() -> Vec<(String, String)> {
    vec![
        (
            "cf-en-backend".into(),
            "Senior Backend Engineer\n\nRequirements\n- 5+ years with Go, Kafka and Kubernetes\n- PostgreSQL\n\nNice to have\n- Terraform, AWS\n".into(),
        ),
        (
            "cf-zh-backend".into(),
            "后端开发工程师\n\n任职要求\n- 5年以上Java开发经验，熟悉Spring Boot、Redis、Kafka\n- 本科及以上学历\n\n加分项\n- 微服务、Kubernetes\n".into(),
        ),
        (
            "cf-es-backend".into(),
            "Ingeniero de Software Backend\n\nRequisitos\n- 5 años de experiencia con Java, Kafka y Kubernetes\n- PostgreSQL\n".into(),
        ),
        (
            "cf-ro-backend".into(),
            "Inginer software backend\n\nCerințe\n- 5 ani de experiență cu Java, Kafka și Kubernetes\n- PostgreSQL\n".into(),
        ),
    ]
}

/// The languages of the pairs.
pub const LANGUAGES: [&str; 4] = ["en", "zh", "es", "ro"];
