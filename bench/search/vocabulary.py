"""Word lists for the generated benchmark corpus: topics in five languages plus common words."""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES: tuple[str, ...] = ("en", "fr", "es", "pt", "zh")
#: Share of products per language in the corpus.
LANGUAGE_WEIGHTS: tuple[float, ...] = (0.40, 0.20, 0.20, 0.10, 0.10)

# A keyword is a tuple of its forms; the first is the most frequent in generated text, the
# others (plural, accented or unaccented spelling, derived noun) appear less often.
Keyword = tuple[str, ...]


@dataclass(frozen=True)
class Topic:
    key: str
    sdg: int
    words: dict[str, list[Keyword]]


def _kw(spec: str) -> list[Keyword]:
    """``"policy|policies, women"`` -> ``[("policy", "policies"), ("women",)]``."""
    return [tuple(part.strip().split("|")) for part in spec.split(",") if part.strip()]


def _topic(key: str, sdg: int, en: str, fr: str, es: str, pt: str, zh: str) -> Topic:
    return Topic(
        key, sdg, {"en": _kw(en), "fr": _kw(fr), "es": _kw(es), "pt": _kw(pt), "zh": _kw(zh)}
    )


TOPICS: tuple[Topic, ...] = (
    _topic(
        "gender",
        5,
        "gender, equality, women|woman, girls|girl, empowerment, discrimination, leadership",
        "genre|genres, égalité|egalite, femmes|femme, filles|fille, autonomisation, discrimination",
        "género|genero, igualdad, mujeres|mujer, niñas|niña, empoderamiento, discriminación",
        "gênero|genero, igualdade, mulheres|mulher, meninas|menina, empoderamento, discriminação",
        "性别, 平等, 妇女, 女童, 赋权, 歧视, 领导力",
    ),
    _topic(
        "youth",
        8,
        "youth, employment, jobs|job, skills|skill, young, "
        "entrepreneurship, apprenticeships|apprenticeship",
        "jeunes|jeune, emploi|emplois, compétences|competences, "
        "jeunesse, entrepreneuriat, apprentissage",
        "jóvenes|joven, empleo|empleos, juvenil|juveniles, "
        "habilidades, emprendimiento, aprendizaje",
        "jovens|jovem, emprego|empregos, juventude, competências, empreendedorismo, aprendizagem",
        "青年, 就业, 技能, 创业, 学徒, 年轻人",
    ),
    _topic(
        "climate",
        13,
        "climate, change, adaptation|adaptations, "
        "emissions|emission, resilience, warming, mitigation",
        "climat|climatique, changement|changements, adaptation, "
        "émissions|emissions, résilience, réchauffement",
        "clima|climático, cambio|cambios, adaptación, emisiones, "
        "resiliencia, calentamiento, mitigación",
        "clima|climáticas, mudanças|mudança, adaptação, "
        "emissões, resiliência, aquecimento, mitigação",
        "气候, 变化, 适应, 排放, 韧性, 变暖, 减缓",
    ),
    _topic(
        "education",
        4,
        "education, schools|school, teachers|teacher, learning, "
        "literacy, students|student, curriculum",
        "éducation|education, écoles|école, "
        "enseignants|enseignant, apprentissage, alphabétisation, élèves",
        "educación|educacion, escuelas|escuela, docentes|docente, "
        "aprendizaje, alfabetización, estudiantes",
        "educação|educacao, escolas|escola, professores|professor, "
        "alfabetização, alunos|aluno, currículo",
        "教育, 学校, 教师, 学习, 扫盲, 学生, 课程",
    ),
    _topic(
        "health",
        3,
        "health, clinics|clinic, malaria, vaccination|vaccine, "
        "nurses|nurse, maternal, disease|diseases",
        "santé|sante, cliniques|clinique, paludisme, vaccination, "
        "infirmiers|infirmier, maternelle, maladies",
        "salud, clínicas|clínica, malaria, vacunación, enfermeras|enfermera, materna, enfermedades",
        "saúde|saude, clínicas|clínica, malária, vacinação, "
        "enfermeiros|enfermeiro, materna, doenças",
        "卫生, 健康, 诊所, 疟疾, 疫苗, 护士, 疾病",
    ),
    _topic(
        "water",
        6,
        "water, sanitation, hygiene, wells|well, drinking, latrines|latrine, wastewater",
        "eau|eaux, assainissement, hygiène|hygiene, puits, potable, latrines, usées",
        "agua|aguas, saneamiento, higiene, pozos|pozo, potable, letrinas, residuales",
        "água|agua, saneamento, higiene, poços|poço, potável, latrinas, residuais",
        "水, 饮用水, 环境卫生, 个人卫生, 水井, 厕所, 污水",
    ),
    _topic(
        "disaster",
        11,
        "disaster|disasters, risk|risks, reduction, preparedness, "
        "floods|flood, earthquakes|earthquake, emergency",
        "catastrophes|catastrophe, risques|risque, réduction, "
        "préparation, inondations, séismes, urgence",
        "desastres|desastre, riesgo|riesgos, reducción, "
        "preparación, inundaciones, terremotos, emergencia",
        "desastres|desastre, riscos|risco, redução, preparação, inundações, terremotos, emergência",
        "灾害, 风险, 减少, 防备, 洪水, 地震, 应急",
    ),
    _topic(
        "peace",
        16,
        "peacebuilding, peace, conflict|conflicts, reconciliation, violence, mediation, security",
        "paix, consolidation, conflits|conflit, réconciliation, violence, médiation, sécurité",
        "paz, consolidación, conflictos|conflicto, reconciliación, violencia, mediación, seguridad",
        "paz, consolidação, conflitos|conflito, reconciliação, violência, mediação, segurança",
        "和平, 建设, 冲突, 和解, 暴力, 调解, 安全",
    ),
    _topic(
        "food",
        2,
        "food, security, agriculture|agricultural, farmers|farmer, nutrition, crops|crop, hunger",
        "alimentaire|alimentation, sécurité, agriculture|agricole, "
        "agriculteurs, nutrition, cultures, faim",
        "alimentaria|alimentos, seguridad, agricultura|agrícola, "
        "agricultores, nutrición, cultivos, hambre",
        "alimentar|alimentos, segurança, agricultura|agrícola, "
        "agricultores, nutrição, colheitas, fome",
        "粮食, 安全, 农业, 农民, 营养, 作物, 饥饿",
    ),
    _topic(
        "poverty",
        1,
        "poverty, income|incomes, livelihoods|livelihood, social, "
        "protection, households|household, cash",
        "pauvreté|pauvrete, revenus|revenu, moyens, subsistance, protection, ménages, transferts",
        "pobreza, ingresos|ingreso, medios, subsistencia, protección, hogares, transferencias",
        "pobreza, renda|rendas, meios, subsistência, proteção, domicílios, transferências",
        "贫困, 收入, 生计, 社会, 保护, 家庭, 现金",
    ),
    _topic(
        "volunteer_policy",
        17,
        "volunteer|volunteers, volunteerism, policy|policies, "
        "legislation, law|laws, framework, national",
        "volontariat|volontariats, volontaires|volontaire, "
        "politique|politiques, législation, loi|lois, cadre",
        "voluntariado, voluntarios|voluntario, política|políticas, legislación, ley|leyes, marco",
        "voluntariado, voluntários|voluntário, política|políticas, legislação, lei|leis, quadro",
        "志愿服务, 志愿者, 政策, 立法, 法律, 框架, 国家",
    ),
    _topic(
        "digital",
        9,
        "digital, online, technology|technologies, internet, "
        "innovation, connectivity, platforms|platform",
        "numérique|numerique, ligne, technologies|technologie, "
        "internet, innovation, connectivité, plateformes",
        "digital|digitales, línea, tecnología|tecnologías, "
        "internet, innovación, conectividad, plataformas",
        "digital|digitais, online, tecnologia|tecnologias, "
        "internet, inovação, conectividade, plataformas",
        "数字, 在线, 技术, 互联网, 创新, 连通性, 平台",
    ),
    _topic(
        "migration",
        10,
        "migration|migrants, refugees|refugee, displacement, asylum, host, communities, returnees",
        "migration|migrants, réfugiés|réfugié, déplacement, asile, accueil, communautés, rapatriés",
        "migración|migrantes, refugiados|refugiado, desplazamiento, "
        "asilo, acogida, comunidades, retornados",
        "migração|migrantes, refugiados|refugiado, deslocamento, "
        "asilo, acolhimento, comunidades, retornados",
        "移民, 难民, 流离失所, 庇护, 收容, 社区, 返回者",
    ),
    _topic(
        "urban",
        11,
        "urban, cities|city, housing, transport, slums|slum, planning, municipal",
        "urbain|urbaine, villes|ville, logement, transport, bidonvilles, planification, municipal",
        "urbano|urbana, ciudades|ciudad, vivienda, transporte, "
        "asentamientos, planificación, municipal",
        "urbano|urbana, cidades|cidade, habitação, transporte, favelas, planejamento, municipal",
        "城市, 住房, 交通, 贫民窟, 规划, 市政",
    ),
    _topic(
        "biodiversity",
        15,
        "biodiversity, forests|forest, conservation, wildlife, "
        "ecosystems|ecosystem, species, restoration",
        "biodiversité|biodiversite, forêts|forêt, conservation, "
        "faune, écosystèmes, espèces, restauration",
        "biodiversidad, bosques|bosque, conservación, fauna, ecosistemas, especies, restauración",
        "biodiversidade, florestas|floresta, conservação, "
        "fauna, ecossistemas, espécies, restauração",
        "生物多样性, 森林, 保护, 野生动物, 生态系统, 物种, 恢复",
    ),
    _topic(
        "oceans",
        14,
        "oceans|ocean, coastal, fisheries|fishery, marine, mangroves|mangrove, plastic, coral",
        "océans|océan, côtières|côtier, pêche|pêcheries, "
        "marin|marine, mangroves, plastique, corail",
        "océanos|océano, costeras|costero, pesca|pesquerías, "
        "marino|marina, manglares, plástico, coral",
        "oceanos|oceano, costeiras|costeiro, pesca, marinho|marinha, manguezais, plástico, coral",
        "海洋, 沿海, 渔业, 红树林, 塑料, 珊瑚",
    ),
    _topic(
        "energy",
        7,
        "energy, renewable, solar, electricity, efficiency, access, clean",
        "énergie|energie, renouvelable|renouvelables, solaire, "
        "électricité, efficacité, accès, propre",
        "energía|energia, renovable|renovables, solar, electricidad, eficiencia, acceso, limpia",
        "energia, renovável|renováveis, solar, eletricidade, eficiência, acesso, limpa",
        "能源, 可再生, 太阳能, 电力, 效率, 获取, 清洁",
    ),
    _topic(
        "disability",
        10,
        "disability|disabilities, inclusion, accessibility, "
        "persons, barriers|barrier, inclusive, rights",
        "handicap|handicaps, inclusion, accessibilité, personnes, "
        "obstacles, inclusive|inclusif, droits",
        "discapacidad|discapacidades, inclusión, accesibilidad, "
        "personas, barreras, inclusiva, derechos",
        "deficiência|deficiências, inclusão, acessibilidade, "
        "pessoas, barreiras, inclusiva, direitos",
        "残疾, 包容, 无障碍, 残疾人, 障碍, 权利",
    ),
    _topic(
        "data",
        17,
        "data, statistics|statistical, measurement, "
        "indicators|indicator, survey|surveys, monitoring, evidence",
        "données, statistiques|statistique, mesure, "
        "indicateurs|indicateur, enquête|enquêtes, suivi",
        "datos, estadísticas|estadística, medición, "
        "indicadores|indicador, encuesta|encuestas, seguimiento",
        "dados, estatísticas|estatística, medição, "
        "indicadores|indicador, pesquisa|pesquisas, monitoramento",
        "数据, 统计, 测量, 指标, 调查, 监测, 证据",
    ),
    _topic(
        "governance",
        16,
        "governance, participation, civic, local, "
        "accountability, citizens|citizen, decentralisation",
        "gouvernance, participation, civique, locale|local, "
        "redevabilité, citoyens|citoyen, décentralisation",
        "gobernanza, participación, cívica|cívico, local, "
        "rendición, ciudadanos|ciudadano, descentralización",
        "governança, participação, cívica|cívico, local, "
        "prestação, cidadãos|cidadão, descentralização",
        "治理, 参与, 公民, 地方, 问责, 权力下放",
    ),
)

#: Frequent domain words with no topic of their own.
DOMAIN: dict[str, list[str]] = {
    "en": (
        "report programme project community communities development partners government support "
        "results impact capacity sustainable approach study analysis review evaluation training "
        "organisations country countries region regional strategy action plan implementation "
        "services public sector experience lessons practice practices challenges opportunities "
        "global network stakeholders context year years increase role contribution people"
    ).split(),
    "fr": (
        "rapport programme projet communauté communautés développement partenaires gouvernement "
        "appui résultats impact capacités durable approche étude analyse évaluation formation "
        "organisations pays région régional stratégie action plan mise œuvre services public "
        "secteur expérience leçons pratiques défis opportunités réseau acteurs contexte année rôle"
    ).split(),
    "es": (
        "informe programa proyecto comunidad comunidades desarrollo socios gobierno apoyo "
        "resultados impacto capacidades sostenible enfoque estudio análisis evaluación formación "
        "organizaciones país países región regional estrategia acción plan implementación "
        "servicios público sector experiencia lecciones prácticas desafíos oportunidades red año"
    ).split(),
    "pt": (
        "relatório programa projeto comunidade comunidades desenvolvimento parceiros governo apoio "
        "resultados impacto capacidades sustentável abordagem estudo análise avaliação formação "
        "organizações país países região regional estratégia ação plano implementação serviços "
        "público setor experiência lições práticas desafios oportunidades rede ano papel"
    ).split(),
    "zh": (
        "报告 方案 项目 社区 发展 伙伴 政府 支持 成果 影响 能力 可持续 方法 研究 分析 评估 培训 "
        "组织 国家 区域 战略 行动 计划 实施 服务 公共 部门 经验 教训 实践 挑战 机遇 网络 利益 年度"
    ).split(),
}

#: Function words, drawn often (they make phrases and stop-word handling realistic).
FUNCTION: dict[str, list[str]] = {
    "en": "the of and in to for a on with by from as is are this that at".split(),
    "fr": "le la les de des du et en pour dans un une sur par au aux est sont ce".split(),
    "es": "el la los las de del y en para con un una por sobre al es son este".split(),
    "pt": "o a os as de do da dos das e em para com um uma por sobre ao é são".split(),
    "zh": "的 和 在 与 对 为 了 及 中 等".split(),
}

#: Syllables for the long tail of rarer words (names, places, technical terms).
SYLLABLES: dict[str, list[str]] = {
    "en": (
        "ba be bi bo ka ke ki ko la le li lo ma me mi mo na ne ni no ra re ri ro ta te ti to"
    ).split(),
    "fr": (
        "ba bé bi bo ca cé ci co la lé li lo ma mé mi mo na né ni no ra ré ri ro ta té ti to"
    ).split(),
    "es": (
        "ba be bi bo ca ce ci co la le li lo ma me mi mo na ne ni ño ra re ri ro ta te ti to"
    ).split(),
    "pt": (
        "ba be bi bo ca ce ci co la le li lo ma me mi mo na ne ni no ra re ri ro ta te ti ão"
    ).split(),
    "zh": list("安北成达东方高广海和华吉建江京康乐力林龙明南平清山胜泰天文西新兴阳永云长中"),
}

PRODUCT_TYPES = (
    "research report case_study policy_brief toolkit legislation vnr unsdcf other".split()
)
PRODUCT_TYPE_WEIGHTS = (0.15, 0.30, 0.15, 0.10, 0.08, 0.05, 0.07, 0.05, 0.05)
ORG_KINDS = "unv un_entity member_state cso private_sector academia other".split()
ORG_KIND_WEIGHTS = (0.20, 0.25, 0.15, 0.20, 0.05, 0.10, 0.05)
COUNTRIES = (
    "KEN UGA TZA SEN MLI BFA NER CIV GHA NGA ETH RWA COD CMR MDG MOZ ZMB ZWE MWI SDN "
    "BRA PER COL MEX BOL ECU GTM HND NIC ARG CHL PRY "
    "CHN IND BGD NPL PAK LKA VNM KHM LAO MMR IDN PHL THA MNG "
    "FJI PNG SLB VUT WSM TON "
    "EGY JOR LBN TUN MAR YEM IRQ SYR PSE "
    "UKR MDA GEO ARM KGZ TJK UZB BIH SRB ALB "
    "FRA ESP PRT DEU ITA"
).split()
