"""The 17 Sustainable Development Goals by their official short names in the UN languages."""

from __future__ import annotations

SDG_NUMBERS = tuple(range(1, 18))

# The short names of the UN SDG icons (un.org/sustainabledevelopment), one tuple per language in
# goal order. Other languages fall back to English.
_NAMES: dict[str, tuple[str, ...]] = {
    "en": (
        "No Poverty",
        "Zero Hunger",
        "Good Health and Well-being",
        "Quality Education",
        "Gender Equality",
        "Clean Water and Sanitation",
        "Affordable and Clean Energy",
        "Decent Work and Economic Growth",
        "Industry, Innovation and Infrastructure",
        "Reduced Inequalities",
        "Sustainable Cities and Communities",
        "Responsible Consumption and Production",
        "Climate Action",
        "Life Below Water",
        "Life on Land",
        "Peace, Justice and Strong Institutions",
        "Partnerships for the Goals",
    ),
    "fr": (
        "Pas de pauvreté",
        "Faim « zéro »",
        "Bonne santé et bien-être",
        "Éducation de qualité",
        "Égalité entre les sexes",
        "Eau propre et assainissement",
        "Énergie propre et d'un coût abordable",
        "Travail décent et croissance économique",
        "Industrie, innovation et infrastructure",
        "Inégalités réduites",
        "Villes et communautés durables",
        "Consommation et production responsables",
        "Mesures relatives à la lutte contre les changements climatiques",
        "Vie aquatique",
        "Vie terrestre",
        "Paix, justice et institutions efficaces",
        "Partenariats pour la réalisation des objectifs",
    ),
    "es": (
        "Fin de la pobreza",
        "Hambre cero",
        "Salud y bienestar",
        "Educación de calidad",
        "Igualdad de género",
        "Agua limpia y saneamiento",
        "Energía asequible y no contaminante",
        "Trabajo decente y crecimiento económico",
        "Industria, innovación e infraestructura",
        "Reducción de las desigualdades",
        "Ciudades y comunidades sostenibles",
        "Producción y consumo responsables",
        "Acción por el clima",
        "Vida submarina",
        "Vida de ecosistemas terrestres",
        "Paz, justicia e instituciones sólidas",
        "Alianzas para lograr los objetivos",
    ),
    "zh": (
        "无贫穷",
        "零饥饿",
        "良好健康与福祉",
        "优质教育",
        "性别平等",
        "清洁饮水和卫生设施",
        "经济适用的清洁能源",
        "体面工作和经济增长",
        "产业、创新和基础设施",
        "减少不平等",
        "可持续城市和社区",
        "负责任消费和生产",
        "气候行动",
        "水下生物",
        "陆地生物",
        "和平、正义与强大机构",
        "促进目标实现的伙伴关系",
    ),
    "ar": (
        "القضاء على الفقر",
        "القضاء التام على الجوع",
        "الصحة الجيدة والرفاه",
        "التعليم الجيد",
        "المساواة بين الجنسين",
        "المياه النظيفة والنظافة الصحية",
        "طاقة نظيفة وبأسعار معقولة",
        "العمل اللائق ونمو الاقتصاد",
        "الصناعة والابتكار والهياكل الأساسية",
        "الحد من أوجه عدم المساواة",
        "مدن ومجتمعات محلية مستدامة",
        "الاستهلاك والإنتاج المسؤولان",
        "العمل المناخي",
        "الحياة تحت الماء",
        "الحياة في البر",
        "السلام والعدل والمؤسسات القوية",
        "عقد الشراكات لتحقيق الأهداف",
    ),
    "ru": (
        "Ликвидация нищеты",
        "Ликвидация голода",
        "Хорошее здоровье и благополучие",
        "Качественное образование",
        "Гендерное равенство",
        "Чистая вода и санитария",
        "Недорогостоящая и чистая энергия",
        "Достойная работа и экономический рост",
        "Индустриализация, инновации и инфраструктура",
        "Уменьшение неравенства",
        "Устойчивые города и населенные пункты",
        "Ответственное потребление и производство",
        "Борьба с изменением климата",
        "Сохранение морских экосистем",
        "Сохранение экосистем суши",
        "Мир, правосудие и эффективные институты",
        "Партнерство в интересах устойчивого развития",
    ),
}


def is_sdg(number: object) -> bool:
    return isinstance(number, int) and not isinstance(number, bool) and number in SDG_NUMBERS


def sdg_name(number: int, locale: str) -> str:
    """The goal's short name in the locale's language (English when the language has none)."""
    if not is_sdg(number):
        raise ValueError(f"not an SDG number: {number!r}")
    names = _NAMES.get(locale[:2].lower(), _NAMES["en"])
    return names[number - 1]


def sdg_label(number: int, locale: str) -> str:
    """ "4. Quality Education": the number first, as on the UN icons."""
    return f"{number}. {sdg_name(number, locale)}"


def sdg_choices(locale: str) -> list[tuple[str, str]]:
    return [(str(number), sdg_label(number, locale)) for number in SDG_NUMBERS]
